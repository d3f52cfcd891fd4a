namespace Turnstile.Core.Kube;

/// <summary>
/// Checks whether a label selector string parses under apimachinery's <c>labels.Parse</c> (syntax plus label key and
/// value validation). Only validity matters here: the API server's request parsing gives up on every list option,
/// including a <c>metadata.name</c> field selector, when the label selector is bad.
/// </summary>
public static class LabelSelectorSyntax
{
    public static bool IsValid(string selector) => ParsedLabelSelector.TryParse(selector, out _, out _);

}
