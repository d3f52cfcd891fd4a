using System.CommandLine;
using Turnstile.Cli.Output;
using Turnstile.Core.Authz;
using Turnstile.Core.Clusters;
using Turnstile.Core.Explain;
using Turnstile.Core.Kube;
using Turnstile.Core.Rbac;

namespace Turnstile.Cli.Commands;

/// <summary><c>can-i</c>, <c>whoami</c> and <c>explain</c>: the cluster's answer for an IAM principal, offline.</summary>
public static class AccessCommands
{
    public static Command CanI()
    {
        var command = new Command("can-i", "Answer yes or no like `kubectl auth can-i`, for an IAM principal (exit 0 yes, 1 no, 3 unauthenticated, 2 bad input)");
        var access = new AccessRequestOptions();
        var request = new RequestArguments();
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing; only the exit code answers" };
        var list = new Option<bool>("--list") { Description = "List the RBAC rules that apply in the namespace, like `kubectl auth can-i --list` (access policies are not listed, as on EKS)" };
        access.AddTo(command);
        request.AddTo(command);
        command.Add(quiet);
        command.Add(list);
        command.SetAction(result =>
        {
            if (result.GetValue(list)) return ListRules(result, access, request);
            var (engine, identity, _) = access.Resolve(result);
            var (attributes, warnings) = request.Build(result, engine.Model.ApiResources);
            var evaluation = engine.Evaluate(identity, attributes);
            var silent = result.GetValue(quiet);
            if (!silent)
                foreach (var warning in warnings) Console.Error.Write(KubectlErrorText.Warning(warning));
            if (!evaluation.Authenticated)
            {
                if (!silent) Console.Error.Write(KubectlErrorText.FromStatus(KubeStatus.Unauthorized()));
                return ExitCodes.Unauthenticated;
            }
            if (!silent) Console.Write(KubectlErrorText.CanIAnswer(evaluation.Allowed, evaluation.Authorization!.Value.Reason));
            return evaluation.Allowed ? ExitCodes.Yes : ExitCodes.No;
        });
        return command;
    }

    private static int ListRules(ParseResult result, AccessRequestOptions access, RequestArguments request)
    {
        if (request.HasRequest(result)) throw new UsageException("--list takes no VERB, RESOURCE or NAME");
        if (result.GetValue(request.AllNamespaces)) throw new UsageException("--list and --all-namespaces cannot be used together");
        var ns = request.NamespaceOf(result);
        var (engine, identity, _) = access.Resolve(result);
        var mapping = engine.Mapper.Map(identity);
        if (mapping.AuthenticatedUser is not { } user)
        {
            Console.Error.Write(KubectlErrorText.FromStatus(KubeStatus.Unauthorized()));
            return ExitCodes.Unauthenticated;
        }
        var review = SubjectRulesReview.For(engine.Authorizer.Rbac, user, ns);
        if (review.Incomplete) Console.Error.WriteLine($"warning: the list may be incomplete: {review.EvaluationError}");
        Console.Write(KubectlRulesTable.Format(review));
        return ExitCodes.Yes;
    }

    public static Command WhoAmI()
    {
        var command = new Command("whoami", "Show the Kubernetes user (username, uid, groups, extra) an IAM principal becomes, like `kubectl auth whoami`");
        var access = new AccessRequestOptions();
        var output = OutputFormat.Option("table", "json", "yaml");
        access.AddTo(command);
        command.Add(output);
        command.SetAction(result =>
        {
            var (engine, identity, _) = access.Resolve(result);
            var mapping = engine.Mapper.Map(identity);
            if (mapping.AuthenticatedUser is not { } user)
            {
                Console.Error.Write(KubectlErrorText.FromStatus(KubeStatus.Unauthorized()));
                return ExitCodes.Unauthenticated;
            }
            Console.Write(WhoAmIRenderer.Render(user, result.GetRequiredValue(output)));
            return ExitCodes.Yes;
        });
        return command;
    }

    public static Command Explain()
    {
        var command = new Command("explain", "Show every stage of the decision: identity, mapping source, Kubernetes user, system:masters, RBAC binding and rule, access policy, response");
        var access = new AccessRequestOptions();
        var request = new RequestArguments();
        var output = OutputFormat.Option("tree", "json");
        access.AddTo(command);
        request.AddTo(command);
        command.Add(output);
        command.SetAction(result =>
        {
            var (engine, identity, known) = access.Resolve(result);
            var (attributes, warnings) = request.Build(result, engine.Model.ApiResources);
            foreach (var warning in warnings) Console.Error.Write(KubectlErrorText.Warning(warning));
            var evaluation = engine.Evaluate(identity, attributes, explain: true);
            var explanation = AccessExplanation.From(evaluation, known, ResponseMessage(evaluation));
            if (result.GetRequiredValue(output) == "json") Console.WriteLine(Json.Serialize(explanation));
            else ExplainRenderer.Render(explanation, engine.Model);
            return evaluation.StatusCode switch { 200 => ExitCodes.Yes, 401 => ExitCodes.Unauthenticated, _ => ExitCodes.No };
        });
        return command;
    }

    /// <summary>The status message the API server would send: the 403 forbidden text, or Unauthorized.</summary>
    public static string ResponseMessage(AccessEvaluation evaluation) => evaluation.StatusCode switch
    {
        401 => KubeStatus.Unauthorized().Message,
        403 => ForbiddenMessage.Message(evaluation.Request, evaluation.User!.Username, evaluation.Authorization!.Value.Reason),
        _ => "OK",
    };
}
