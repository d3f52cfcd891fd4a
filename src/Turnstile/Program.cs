using System.CommandLine;
using Turnstile.Cli.Commands;

var root = new RootCommand("Turnstile: Amazon EKS access (IAM, aws-auth, access entries, RBAC) emulated and explained, offline.")
{
    AccessCommands.CanI(),
    AccessCommands.WhoAmI(),
    AccessCommands.Explain(),
    WhoCanCommand.Create(),
    AccessMatrixCommand.Create(),
    RbacViewCommands.Lookup(),
    RbacViewCommands.RoleSum(),
    RbacViewCommands.PolicyRules(),
    LintCommand.Create(),
    MigrationCommands.Migrate(),
    MigrationCommands.Diff(),
    AssertCommand.Create(),
    GraphCommand.Create(),
    CollectCommand.Create(),
    ServeCommand.Create(),
    ResetCommand.Create(),
    EnvCommand.Create(),
    WebhookConfigCommand.Create(),
    IamIdentityMappingCommands.Create(),
};

return CommandLineRunner.Run(root, args);
