namespace Turnstile.Aws.Eks;

/// <summary>
/// EKS's errors. Texts marked [O] in docs/eks-emulation.md are observed from the real service; the others are
/// our choices, listed there with the reasons.
/// </summary>
internal static class EksErrors
{
    public const string InvalidParameter = "InvalidParameterException";
    public const string InvalidRequest = "InvalidRequestException";
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string ResourceInUse = "ResourceInUseException";
    public const string NotFound = "NotFoundException";
    public const string BadRequest = "BadRequestException";

    public const string StandardOnlyMessage = "This operation can only be performed on Access Entries with a type of \"STANDARD\".";
    public const string AccessEntriesDisabledMessage = "The cluster's authentication mode must be set to one of [API, API_AND_CONFIG_MAP] to perform this operation.";

    public static AwsServiceException Error(string code, string message, string? clusterName = null, string? nodegroupName = null)
    {
        var fields = new Dictionary<string, string>();
        if (clusterName is not null) fields["clusterName"] = clusterName;
        if (nodegroupName is not null) fields["nodegroupName"] = nodegroupName;
        var status = code switch
        {
            ResourceNotFound or NotFound => 404,
            ResourceInUse => 409,
            _ => 400,
        };
        return new AwsServiceException(code, message, status, true, fields);
    }

    public static AwsServiceException InvalidParameterError(string message, string? clusterName = null, string? nodegroupName = null) =>
        Error(InvalidParameter, message, clusterName, nodegroupName);

    /// <summary>The service's request-validation wording (Coral style) for a missing required member.</summary>
    public static AwsServiceException Missing(string member) =>
        InvalidParameterError($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    public static AwsServiceException Constraint(string member, string value, string constraint) =>
        InvalidParameterError($"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}");

    public static AwsServiceException ClusterNotFound(string name) =>
        Error(ResourceNotFound, $"No cluster found for name: {name}.", name);

    public static AwsServiceException NodegroupNotFound(string cluster, string nodegroup) =>
        Error(ResourceNotFound, $"No node group found for name: {nodegroup}.", cluster, nodegroup);

    public static AwsServiceException UpdateNotFound(string cluster, string id) =>
        Error(ResourceNotFound, $"No update found for ID: {id}", cluster);

    public static AwsServiceException AccessEntryNotFound(string cluster) =>
        Error(ResourceNotFound, "The specified principalArn could not be found. You can view your available access entries with 'list-access-entries'.", cluster);

    public static AwsServiceException AccessEntriesDisabled(string cluster) =>
        Error(InvalidRequest, AccessEntriesDisabledMessage, cluster);

    public static AwsServiceException StandardOnly(string cluster) => InvalidParameterError(StandardOnlyMessage, cluster);
}
