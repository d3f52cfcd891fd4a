namespace Turnstile.Core.Mapping;

/// <summary>An EKS cluster's authentication mode: which identity sources the authenticator consults.</summary>
public enum AuthenticationMode
{
    ConfigMap,
    ApiAndConfigMap,
    Api,
}

public static class AuthenticationModes
{
    public static string ToWire(this AuthenticationMode mode) => mode switch
    {
        AuthenticationMode.ConfigMap => "CONFIG_MAP",
        AuthenticationMode.ApiAndConfigMap => "API_AND_CONFIG_MAP",
        AuthenticationMode.Api => "API",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    public static bool TryParse(string? text, out AuthenticationMode mode)
    {
        switch (text)
        {
            case "CONFIG_MAP": mode = AuthenticationMode.ConfigMap; return true;
            case "API_AND_CONFIG_MAP": mode = AuthenticationMode.ApiAndConfigMap; return true;
            case "API": mode = AuthenticationMode.Api; return true;
            default: mode = default; return false;
        }
    }

    public static bool UsesAccessEntries(this AuthenticationMode mode) => mode != AuthenticationMode.ConfigMap;

    public static bool UsesConfigMap(this AuthenticationMode mode) => mode != AuthenticationMode.Api;

    /// <summary>Only one step forward is allowed: CONFIG_MAP to API_AND_CONFIG_MAP to API. Re-setting the same mode is not a change.</summary>
    public static bool CanTransition(AuthenticationMode from, AuthenticationMode to) =>
        (from, to) is (AuthenticationMode.ConfigMap, AuthenticationMode.ApiAndConfigMap)
                   or (AuthenticationMode.ApiAndConfigMap, AuthenticationMode.Api);

    /// <summary>EKS's message for a refused transition.</summary>
    public static string UnsupportedTransitionMessage(AuthenticationMode from, AuthenticationMode to) =>
        $"Unsupported authentication mode update from {from.ToWire()} to {to.ToWire()}";
}
