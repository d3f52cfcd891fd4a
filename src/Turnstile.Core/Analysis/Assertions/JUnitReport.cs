using System.Xml.Linq;

namespace Turnstile.Core.Analysis.Assertions;

/// <summary>Assertion results as JUnit XML (one testsuite, one testcase per assertion), the format CI systems read.</summary>
public static class JUnitReport
{
    public static string Write(string suiteName, IReadOnlyList<AssertionResult> results, TimeSpan elapsed)
    {
        var failures = results.Count(r => !r.Passed);
        var suite = new XElement("testsuite",
            new XAttribute("name", suiteName),
            new XAttribute("tests", results.Count),
            new XAttribute("failures", failures),
            new XAttribute("errors", 0),
            new XAttribute("time", elapsed.TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)),
            results.Select(r => new XElement("testcase",
                new XAttribute("classname", suiteName),
                new XAttribute("name", r.Name),
                r.Passed
                    ? new XElement("system-out", r.Detail)
                    : new XElement("failure",
                        new XAttribute("message", $"expected {Text(r.Expected)}, got {(r.Actual is { } a ? Text(a) : "an error")}"),
                        $"{r.Request} as {r.Principal}: {r.Detail}"))));
        var document = new XDocument(new XDeclaration("1.0", "UTF-8", null), new XElement("testsuites",
            new XAttribute("tests", results.Count), new XAttribute("failures", failures), suite));
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return writer + "\n";
    }

    public static string Text(Expectation e) => e.ToString().ToLowerInvariant();

    private sealed class Utf8StringWriter : StringWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
