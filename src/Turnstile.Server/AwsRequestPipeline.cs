using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Turnstile.Aws;
using Turnstile.Core.Arns;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Server.Model;
using Turnstile.Server.Protocols;
using Turnstile.State;

namespace Turnstile.Server;

/// <summary>One HTTP request as the pipeline sees it, independent of the server framework.</summary>
internal sealed record IncomingRequest
{
    public required string Method { get; init; }
    /// <summary>Path exactly as on the wire (still percent-encoded).</summary>
    public required string RawPath { get; init; }
    /// <summary>Query without the leading '?', still encoded.</summary>
    public string RawQuery { get; init; } = "";
    public IReadOnlyList<HttpHeader> Headers { get; init; } = [];
    public ReadOnlyMemory<byte> Body { get; init; }
    public bool BodyTooLarge { get; init; }
    public string SourceIp { get; init; } = "127.0.0.1";
    public bool Secure { get; init; }
}

/// <summary>
/// The request path shared by every hosted service: find the service from the SigV4 credential scope, decode the
/// operation input per the model's protocol and validate it, then, in one optimistic transaction over the replica's
/// state, authenticate (credential lookup, session token, expiry, signature), run IAM authorization and call the
/// operation; finally encode its output or error. Credentials, policies and the operation's data are read at one
/// revision and the commit compares all of them. Holds no lock.
/// </summary>
internal sealed class AwsRequestPipeline
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    private static readonly Caller Anonymous = new()
    {
        Arn = "anonymous",
        AccountId = "",
        UserId = "anonymous",
        Type = PrincipalType.FederatedUser,
        AccessKeyId = "",
    };

    private readonly Dictionary<string, ServiceBinding> _bySigningName = new(StringComparer.Ordinal);
    private readonly List<ServiceBinding> _queryServices = [];
    private readonly StateCache _state;
    private readonly ICredentialSource _credentials;
    private readonly IRequestAuthorizer? _authorizer;
    private readonly TimeProvider _clock;
    private readonly SigV4Verifier _verifier;
    private readonly ILogger _logger;
    private readonly string _defaultRegion;
    private readonly int _maxBodyBytes;

    internal sealed record ServiceBinding(IAwsService Service, ServiceModel Model, RestJsonRouter? Router);

    public AwsRequestPipeline(EmulatorHostOptions options)
    {
        _state = options.State;
        _credentials = options.Credentials;
        _authorizer = options.Authorizer;
        _clock = options.Clock;
        _defaultRegion = options.DefaultRegion;
        _maxBodyBytes = options.MaxRequestBodyBytes;
        _logger = options.LoggerFactory?.CreateLogger("Turnstile.Server") ?? NullLogger.Instance;
        // Time is checked here, per service (STS ignores X-Amz-Expires; see CheckTime).
        _verifier = new SigV4Verifier(new SigV4VerifierOptions { ValidateTime = false }, _clock);

        foreach (var service in options.Services)
        {
            var model = options.Models?.GetValueOrDefault(service.SigningName) ?? ServiceModel.TryLoad(service.SigningName)
                ?? throw new ArgumentException($"no service model for signing name '{service.SigningName}'");
            foreach (var name in service.Operations.Keys)
                if (!model.Operations.ContainsKey(name))
                    throw new ArgumentException($"service '{service.SigningName}' implements '{name}', which its model does not define");
            var binding = new ServiceBinding(service, model,
                model.Protocol == WireProtocol.RestJson ? new RestJsonRouter(model.Operations.Values) : null);
            if (!_bySigningName.TryAdd(service.SigningName, binding))
                throw new ArgumentException($"two services use signing name '{service.SigningName}'");
            if (model.Protocol == WireProtocol.Query) _queryServices.Add(binding);
        }
    }

    public IReadOnlyCollection<string> SigningNames => _bySigningName.Keys;

    public async ValueTask<WireResponse> ProcessAsync(IncomingRequest request, CancellationToken cancellationToken = default)
    {
        var requestId = RequestIds.New();
        var response = await ProcessCoreAsync(request, requestId, cancellationToken).ConfigureAwait(false);
        var headers = new List<KeyValuePair<string, string>>((response.Headers?.Count ?? 0) + 1) { new("x-amzn-RequestId", requestId) };
        if (response.Headers is not null) headers.AddRange(response.Headers);
        return response with { Headers = headers };
    }

    private async ValueTask<WireResponse> ProcessCoreAsync(IncomingRequest request, string requestId, CancellationToken cancellationToken)
    {
        var http = new SigV4HttpRequest
        {
            Method = request.Method,
            RawPath = request.RawPath,
            RawQuery = request.RawQuery,
            Headers = request.Headers,
            Body = request.Body,
        };
        var wantsJson = AcceptsJson(http);
        ServiceBinding? binding = null;
        QueryParameters? queryParameters = null;
        try
        {
            if (request.BodyTooLarge)
            {
                binding = GuessBinding(http, null);
                throw WireErrors.BodyTooLarge(ProtocolOf(binding, http), _maxBodyBytes);
            }

            if (HasSeveralAuthorizations(request.Headers))
            {
                binding = GuessBinding(http, null);
                throw WireErrors.MultipleAuthorizationHeaders(ProtocolOf(binding, http));
            }

            if (!_verifier.TryParse(http, out var parsed, out var sigError))
            {
                if (sigError.Code == SigV4ErrorCodes.MissingAuthenticationToken && LooksLikeQuery(http))
                {
                    queryParameters = ReadQueryParameters(http);
                    if (FindUnsignedQueryOperation(queryParameters) is { } unsigned)
                    {
                        binding = unsigned;
                        return await DispatchAsync(unsigned, request, http, null, _defaultRegion, requestId, wantsJson, queryParameters, cancellationToken)
                            .ConfigureAwait(false);
                    }
                }
                binding = GuessBinding(http, queryParameters);
                throw WireErrors.FromSigV4(sigError, ProtocolOf(binding, http));
            }

            if (!_bySigningName.TryGetValue(parsed.Scope.Service, out binding))
                throw WireErrors.FromSigV4(SigV4Error.SignatureDoesNotMatch(
                    $"Credential should be scoped to a valid service: '{parsed.Scope.Service}' is not served by this endpoint ({string.Join(", ", _bySigningName.Keys)})."),
                    ProtocolOf(null, http));

            if (CheckTime(parsed, _clock.GetUtcNow()) is { } timeError) throw WireErrors.FromSigV4(timeError, binding.Model.Protocol);
            return await DispatchAsync(binding, request, http, parsed, parsed.Scope.Region, requestId, wantsJson, queryParameters, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (AwsServiceException e)
        {
            return ErrorResponse(binding, http, e, wantsJson, requestId);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Unhandled exception for {Method} {Path} (request {RequestId})", request.Method, request.RawPath, requestId);
            return ErrorResponse(binding, http, WireErrors.InternalFailure(ProtocolOf(binding, http)), wantsJson, requestId);
        }
    }

    /// <summary>The signer, resolved in the call's transaction (so a key created through another replica counts at once).</summary>
    private Caller Authenticate(OptimisticTransaction state, SigV4Request parsed, WireProtocol protocol, DateTimeOffset now)
    {
        if (!_credentials.TryResolve(state, parsed.AccessKeyId, out var credentials) || !credentials.Active)
            throw WireErrors.InvalidClientTokenId(protocol);
        if (!SessionTokenMatches(credentials.SessionToken, parsed.SessionToken))
            throw WireErrors.InvalidClientTokenId(protocol);
        if (credentials.Expiration is { } expiration && expiration <= now)
            throw WireErrors.ExpiredToken(protocol);
        if (_verifier.Verify(parsed, credentials.SecretAccessKey) is { } signatureError)
            throw WireErrors.FromSigV4(signatureError, protocol);
        return credentials.Caller;
    }

    private static bool SessionTokenMatches(string? expected, string? presented)
    {
        if (expected is null) return presented is null;
        if (presented is null) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
    }

    /// <summary>
    /// ±15 minutes for header signatures. Presigned URLs: STS accepts them within 15 minutes of <c>X-Amz-Date</c>
    /// whatever <c>X-Amz-Expires</c> says (EKS tokens rely on it: signed for 60 s, used for up to 15 min); other
    /// services honour <c>X-Amz-Expires</c>.
    /// </summary>
    private static SigV4Error? CheckTime(SigV4Request parsed, DateTimeOffset now)
    {
        var ts = parsed.Timestamp;
        if (ts > now + MaxClockSkew)
            return SigV4Error.SignatureDoesNotMatch(
                $"Signature not yet current: {parsed.AmzDate} is still later than {(now + MaxClockSkew).ToAmzDate()} ({now.ToAmzDate()} + 15 min.)");
        if (parsed.Location == SigV4AuthLocation.Query && parsed.ExpiresSeconds is { } expires && parsed.Scope.Service != "sts")
            return now > ts.AddSeconds(expires) ? SigV4Error.PresignedUrlExpired() : null;
        if (ts < now - MaxClockSkew)
            return SigV4Error.SignatureDoesNotMatch(
                $"Signature expired: {parsed.AmzDate} is now earlier than {(now - MaxClockSkew).ToAmzDate()} ({now.ToAmzDate()} - 15 min.)");
        return null;
    }

    /// <summary>
    /// Decodes the call (errors are held back until the signer is authenticated, as AWS reports a bad signature first),
    /// then authenticates, authorizes and runs it in one transaction.
    /// </summary>
    private async ValueTask<WireResponse> DispatchAsync(ServiceBinding binding, IncomingRequest request, SigV4HttpRequest http, SigV4Request? signature,
        string region, string requestId, bool wantsJson, QueryParameters? queryParameters, CancellationToken cancellationToken)
    {
        var protocol = binding.Model.Protocol;
        OperationModel? operationModel = null;
        AwsOperation? operation = null;
        JsonObject input = [];
        AwsServiceException? invalid = null;
        try
        {
            (operationModel, input) = Decode(binding, request, http, queryParameters);
            if (!binding.Service.Operations.TryGetValue(operationModel.Name, out operation))
                throw WireErrors.NotImplemented(protocol, operationModel.Name);
            if (InputValidator.Validate(operationModel.Input, input) is { } validation)
                throw WireErrors.Validation(protocol, validation);
        }
        catch (AwsServiceException e)
        {
            invalid = e;
        }

        var now = _clock.GetUtcNow();
        var output = await _state.RunOperationAsync(binding.Service, invalid is null ? operation! : Unresolved, now, state =>
        {
            var caller = signature is null ? Anonymous : Authenticate(state, signature, protocol, now);
            if (invalid is not null) throw invalid;
            var context = new OperationContext(caller, region, now, requestId, request.SourceIp, request.Secure);
            if (signature is not null && operation!.Authorize(input, context, state) is { } authorization && _authorizer is not null)
            {
                var outcome = _authorizer.Authorize(authorization, context, state);
                if (!outcome.Allowed)
                    throw WireErrors.AccessDenied(protocol, outcome.DenialMessage ??
                        $"User: {caller.Arn} is not authorized to perform: {authorization.Action} on resource: {authorization.Resource}");
            }
            return operation!.Handle(input, context, state);
        }, cancellationToken).ConfigureAwait(false);

        return protocol == WireProtocol.Query
            ? QueryProtocol.Success(binding.Model, operationModel!, output, requestId, wantsJson)
            : RestJsonProtocol.Success(operationModel!, output);
    }

    /// <summary>Stands in for a call that could not be decoded: it only authenticates, then reports why.</summary>
    private static readonly AwsOperation Unresolved = new("", (_, _, _) => null, (_, _, _) => [], ReadOnly: true);

    private static (OperationModel Operation, JsonObject Input) Decode(ServiceBinding binding, IncomingRequest request, SigV4HttpRequest http,
        QueryParameters? queryParameters)
    {
        var model = binding.Model;
        var protocol = model.Protocol;
        if (protocol == WireProtocol.Query)
        {
            var parameters = queryParameters ?? ReadQueryParameters(http);
            if (parameters.Malformed)
                throw WireErrors.MalformedRequest(protocol, "The request parameters are not valid form encoding or UTF-8.");
            if (!parameters.Values.TryGetValue("Action", out var action) || action.Length == 0)
                throw new AwsServiceException("MissingAction", "The request is missing an action or a required parameter.");
            if (!model.Operations.TryGetValue(action, out var operationModel))
            {
                parameters.Values.TryGetValue("Version", out var version);
                throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {version ?? ""}");
            }
            return (operationModel, QueryProtocol.ReadInput(operationModel.Input, parameters.Values));
        }
        if (!binding.Router!.TryMatch(request.Method, request.RawPath, out var matched, out var labels))
            throw WireErrors.UnknownOperation(request.Method, request.RawPath);
        return (matched!, RestJsonProtocol.ReadInput(matched!.Input,
            new RestRequest(request.Method, request.RawPath, request.RawQuery, http.GetHeader, request.Body), labels));
    }

    private WireResponse ErrorResponse(ServiceBinding? binding, SigV4HttpRequest http, AwsServiceException error, bool wantsJson, string requestId)
    {
        var protocol = ProtocolOf(binding, http);
        var status = error.StatusCode;
        var senderFault = error.SenderFault;
        if (binding?.Model.FindError(error.Code)?.Error is { } modelled)
        {
            status = modelled.HttpStatusCode;
            senderFault = modelled.SenderFault;
        }
        return protocol == WireProtocol.Query
            ? QueryProtocol.Error(error, status, senderFault, (binding ?? FirstQueryService())?.Model.XmlNamespace, requestId, wantsJson)
            : RestJsonProtocol.Error(error, status);
    }

    private ServiceBinding? FirstQueryService() => _queryServices.Count > 0 ? _queryServices[0] : null;

    private ServiceBinding? FindUnsignedQueryOperation(QueryParameters parameters)
    {
        if (!parameters.Values.TryGetValue("Action", out var action)) return null;
        foreach (var binding in _queryServices)
            if (binding.Model.Operations.TryGetValue(action, out var op) && !op.RequiresSignature &&
                binding.Service.Operations.ContainsKey(action))
                return binding;
        return null;
    }

    /// <summary>The service a request that failed authentication was probably meant for, to phrase the error in its protocol.</summary>
    private ServiceBinding? GuessBinding(SigV4HttpRequest http, QueryParameters? parameters)
    {
        if (ScopeServiceOf(http) is { } service && _bySigningName.TryGetValue(service, out var binding)) return binding;
        if (!LooksLikeQuery(http)) return null;
        parameters ??= ReadQueryParameters(http);
        if (parameters.Values.TryGetValue("Action", out var action))
            foreach (var candidate in _queryServices)
                if (candidate.Model.Operations.ContainsKey(action)) return candidate;
        return FirstQueryService();
    }

    private static WireProtocol ProtocolOf(ServiceBinding? binding, SigV4HttpRequest http) =>
        binding?.Model.Protocol ?? (LooksLikeQuery(http) ? WireProtocol.Query : WireProtocol.RestJson);

    /// <summary>The service named in an Authorization header or X-Amz-Credential, even if the rest of the signature is bad.</summary>
    private static string? ScopeServiceOf(SigV4HttpRequest http)
    {
        string? credential = null;
        if (http.GetHeader("Authorization") is { } authorization)
        {
            var start = authorization.IndexOf("Credential=", StringComparison.Ordinal);
            if (start >= 0)
            {
                start += "Credential=".Length;
                var end = authorization.IndexOfAny([',', ' '], start);
                credential = end < 0 ? authorization[start..] : authorization[start..end];
            }
        }
        else
        {
            var start = http.RawQuery.IndexOf("X-Amz-Credential=", StringComparison.Ordinal);
            if (start >= 0)
            {
                start += "X-Amz-Credential=".Length;
                var end = http.RawQuery.IndexOf('&', start);
                var raw = end < 0 ? http.RawQuery[start..] : http.RawQuery[start..end];
                if (WireValues.TryFormDecode(raw.AsSpan(), out var decoded)) credential = decoded;
            }
        }
        if (credential is null) return null;
        var parts = credential.Split('/');
        return parts.Length == 5 ? parts[3] : null;
    }

    /// <summary>
    /// Two <c>Authorization</c> header lines, or one that holds two signatures (what a proxy or client makes of two
    /// lines when it joins them with a comma).
    /// </summary>
    private static bool HasSeveralAuthorizations(IReadOnlyList<HttpHeader> headers)
    {
        var signatures = 0;
        foreach (var header in headers)
        {
            if (!string.Equals(header.Name, "Authorization", StringComparison.OrdinalIgnoreCase)) continue;
            var value = header.Value.AsSpan();
            signatures += Math.Max(1, value.Count("AWS4-HMAC-SHA256"));
        }
        return signatures > 1;
    }

    private static bool LooksLikeQuery(SigV4HttpRequest http)
    {
        if (http.RawQuery.StartsWith("Action=", StringComparison.Ordinal) || http.RawQuery.Contains("&Action=", StringComparison.Ordinal))
            return true;
        return http.Method == "POST" && http.RawPath is "/" or "" && IsForm(http);
    }

    private static bool IsForm(SigV4HttpRequest http)
    {
        var contentType = http.GetHeader("Content-Type");
        return contentType is null || contentType.Contains("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    private static bool AcceptsJson(SigV4HttpRequest http) =>
        http.GetHeader("Accept") is { } accept && accept.Contains("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Query-protocol parameters: the URL query, then a form body (which wins on duplicates).</summary>
    internal static QueryParameters ReadQueryParameters(SigV4HttpRequest http)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var ok = WireValues.TryParseForm(http.RawQuery.AsSpan(), pairs);
        if (ok && !http.Body.IsEmpty && http.Method != "GET" && IsForm(http))
            ok = WireValues.TryParseForm(http.Body.Span, pairs);
        var values = new Dictionary<string, string>(pairs.Count, StringComparer.Ordinal);
        foreach (var (name, value) in pairs) values[name] = value;
        return new QueryParameters(values, !ok);
    }

    internal sealed record QueryParameters(Dictionary<string, string> Values, bool Malformed);
}
