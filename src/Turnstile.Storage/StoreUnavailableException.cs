namespace Turnstile.Storage;

/// <summary>A store that cannot be opened or reached; the message is one line, fit for the command line, without a password.</summary>
public sealed class StoreUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
