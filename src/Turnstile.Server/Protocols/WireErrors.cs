using Turnstile.Aws;
using Turnstile.Core.Aws.Sigv4;
using Turnstile.Server.Model;

namespace Turnstile.Server.Protocols;

/// <summary>
/// The errors the protocol layer itself answers, phrased per protocol. Query services (IAM, STS) use the codes of
/// AWS's "common errors" list; rest-json services (EKS) use the <c>...Exception</c> names JSON services return
/// (e.g. <c>UnrecognizedClientException</c> for an unknown key, as EKS answers).
/// </summary>
internal static class WireErrors
{
    public const string InvalidTokenMessage = "The security token included in the request is invalid.";
    public const string ExpiredTokenMessage = "The security token included in the request is expired";

    public static AwsServiceException FromSigV4(SigV4Error error, WireProtocol protocol)
    {
        if (protocol == WireProtocol.Query) return new AwsServiceException(error.Code, error.Message, error.StatusCode);
        return error.Code switch
        {
            SigV4ErrorCodes.MissingAuthenticationToken => MissingAuthentication(protocol),
            SigV4ErrorCodes.InvalidClientTokenId => InvalidClientTokenId(protocol),
            SigV4ErrorCodes.SignatureDoesNotMatch => new("InvalidSignatureException", error.Message, 403),
            SigV4ErrorCodes.IncompleteSignature => new("IncompleteSignatureException", error.Message, 400),
            SigV4ErrorCodes.AccessDenied => new("AccessDeniedException", error.Message, 403),
            _ => new(error.Code, error.Message, error.StatusCode),
        };
    }

    /// <summary>
    /// Two <c>Authorization</c> headers: which one was signed is ambiguous, so the request is refused before either is
    /// looked at (the wording is Turnstile's; AWS's is not public).
    /// </summary>
    public static AwsServiceException MultipleAuthorizationHeaders(WireProtocol protocol) =>
        new(protocol == WireProtocol.Query ? "IncompleteSignature" : "IncompleteSignatureException",
            "The request has more than one Authorization header; send exactly one.", 400);

    public static AwsServiceException MissingAuthentication(WireProtocol protocol) => protocol == WireProtocol.Query
        ? new("MissingAuthenticationToken", "Request is missing Authentication Token", 403)
        : new("MissingAuthenticationTokenException", "Missing Authentication Token", 403);

    public static AwsServiceException InvalidClientTokenId(WireProtocol protocol) => protocol == WireProtocol.Query
        ? new("InvalidClientTokenId", InvalidTokenMessage, 403)
        : new("UnrecognizedClientException", InvalidTokenMessage, 403);

    public static AwsServiceException ExpiredToken(WireProtocol protocol) => protocol == WireProtocol.Query
        ? new("ExpiredToken", ExpiredTokenMessage, 403)
        : new("ExpiredTokenException", ExpiredTokenMessage, 403);

    public static AwsServiceException PresignedUrlExpired(WireProtocol protocol) =>
        new(protocol == WireProtocol.Query ? "AccessDenied" : "AccessDeniedException", "Request has expired", 403);

    public static AwsServiceException AccessDenied(WireProtocol protocol, string message) =>
        new(protocol == WireProtocol.Query ? "AccessDenied" : "AccessDeniedException", message, 403);

    /// <summary>Model validation failed: <c>ValidationError</c> (query) or <c>InvalidParameterException</c> (rest-json), 400.</summary>
    public static AwsServiceException Validation(WireProtocol protocol, string message) =>
        new(protocol == WireProtocol.Query ? "ValidationError" : "InvalidParameterException", message, 400);

    /// <summary>A parameter that does not parse as its modelled type (<c>MaxItems=abc</c>, a string where a list belongs).</summary>
    public static AwsServiceException MalformedInput(WireProtocol protocol, string message) =>
        new(protocol == WireProtocol.Query ? "InvalidParameterValue" : "BadRequestException", message, 400);

    /// <summary>A body or query string that is not valid form/percent encoding, UTF-8 or JSON.</summary>
    public static AwsServiceException MalformedRequest(WireProtocol protocol, string message) =>
        new(protocol == WireProtocol.Query ? "MalformedQueryString" : "BadRequestException", message, 400);

    public static AwsServiceException BodyTooLarge(WireProtocol protocol, long limit) =>
        new(protocol == WireProtocol.Query ? "RequestEntityTooLarge" : "RequestEntityTooLargeException",
            $"Request body exceeds the maximum allowed size of {limit} bytes.", 413);

    public static AwsServiceException InternalFailure(WireProtocol protocol) => protocol == WireProtocol.Query
        ? new("ServiceFailure", "The request processing has failed because of an unknown error, exception or failure.", 500, senderFault: false)
        : new("ServerException", "The request processing has failed because of an unknown error, exception or failure.", 500, senderFault: false);

    public static AwsServiceException UnknownOperation(string method, string path) =>
        new("UnknownOperationException", $"No operation matches {method} {path}", 404);

    public static AwsServiceException NotImplemented(WireProtocol protocol, string operation) => protocol == WireProtocol.Query
        ? new("InvalidAction", $"Operation {operation} is not implemented by this emulator.", 400)
        : new("UnknownOperationException", $"Operation {operation} is not implemented by this emulator.", 404);
}
