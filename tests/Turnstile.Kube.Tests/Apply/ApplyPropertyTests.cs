using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using Turnstile.Kube.Apply;
using Turnstile.Kube.Apply.FieldPaths;
using static Turnstile.Kube.Tests.Apply.ApplyTestKit;

namespace Turnstile.Kube.Tests.Apply;

public class ApplyPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(100);

    private static readonly string[] Keys = ["a", "b", "c", "d", "e"];
    private static readonly string[] Words = ["x", "y", "z"];

    /// <summary>A map of some of the keys to some of the words.</summary>
    private static readonly Gen<Dictionary<string, string>> MapGen =
        Gen.SubListOf(Keys).SelectMany(keys => Gen.ListOf(Gen.Elements(Words), keys.Count)
            .Select(values => keys.Zip(values).ToDictionary(p => p.First, p => p.Second)));

    private sealed record WidgetConfig(Dictionary<string, string> Labels, Dictionary<string, string> Parts, List<string> Tags, Dictionary<string, string> Extra)
    {
        public WidgetConfig Subset(Func<string, bool> keep) => new(
            Labels.Where(kv => keep("l" + kv.Key)).ToDictionary(),
            Parts.Where(kv => keep("p" + kv.Key)).ToDictionary(),
            Tags.Where(t => keep("t" + t)).ToList(),
            Extra.Where(kv => keep("e" + kv.Key)).ToDictionary());

        public string Json()
        {
            var spec = new JsonObject();
            if (Parts.Count > 0)
                spec["parts"] = new JsonArray(Parts.Select(kv => (JsonNode?)new JsonObject { ["name"] = kv.Key, ["count"] = kv.Value.Length }).ToArray());
            if (Tags.Count > 0) spec["tags"] = new JsonArray(Tags.Select(t => (JsonNode?)t).ToArray());
            if (Extra.Count > 0) spec["extra"] = Map(Extra);
            var metadata = new JsonObject { ["name"] = "w", ["namespace"] = "default" };
            if (Labels.Count > 0) metadata["labels"] = Map(Labels);
            var obj = new JsonObject { ["apiVersion"] = "stable.example.com/v1", ["kind"] = "Widget", ["metadata"] = metadata };
            if (spec.Count > 0) obj["spec"] = spec;
            return obj.ToJsonString();
        }
    }

    private static readonly Gen<WidgetConfig> WidgetGen =
        Gen.Zip(Gen.Zip(MapGen, MapGen), Gen.Zip(Gen.SubListOf(Words), MapGen))
            .Select(t => new WidgetConfig(t.Item1.Item1, t.Item1.Item2, t.Item2.Item1.ToList(), t.Item2.Item2));

    private static string OwnedBy(JsonObject obj, string manager) =>
        Entries(obj).SingleOrDefault(e => e.Manager == manager) is { } entry ? FieldsV1.Serialize(entry.Fields) : "(none)";

    private static JsonObject Map(Dictionary<string, string> entries) =>
        new(entries.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value)));

    private static JsonObject ConfigMapOf(Dictionary<string, string> data) =>
        Obj($$"""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default"},"data":{{Map(data).ToJsonString()}}}""");

    [Fact]
    public void Applying_the_same_configuration_twice_is_a_no_op()
    {
        Prop.ForAll(WidgetGen.ToArbitrary(), config =>
        {
            var once = Applied(null, config.Json(), ApplyTo(Widget, "w"));
            var twice = Applied(once, config.Json(), ApplyTo(Widget, "w", now: T0.AddHours(1)));
            return once.ToJsonString() == twice.ToJsonString();
        }).Check(Quick);
    }

    [Fact]
    public void Reapplying_a_subset_removes_exactly_the_dropped_fields()
    {
        var cases = Gen.Zip(WidgetGen, Gen.SubListOf(Keys.SelectMany(k => new[] { "l" + k, "p" + k, "e" + k }).Concat(Words.Select(w => "t" + w))))
            .ToArbitrary();
        Prop.ForAll(cases, c =>
        {
            var (full, kept) = c;
            var subset = full.Subset(kept.Contains);
            var before = Applied(null, full.Json(), ApplyTo(Widget, "w"));
            var after = Applied(before, subset.Json(), ApplyTo(Widget, "w", now: T0.AddMinutes(1)));
            var expected = Applied(null, subset.Json(), ApplyTo(Widget, "w"));
            return Content(after) == Content(expected) && OwnedBy(after, "kubectl") == OwnedBy(expected, "kubectl");
        }).Check(Quick);
    }

    [Fact]
    public void Another_managers_field_conflicts_exactly_when_the_value_changes_and_force_takes_exactly_those()
    {
        Prop.ForAll(Gen.Zip(MapGen, MapGen).ToArbitrary(), c =>
        {
            var (first, second) = c;
            var live = Applied(null, ConfigMapOf(first).ToJsonString(), ApplyTo(ConfigMap, "cm", manager: "one"));
            var changed = second.Keys.Where(k => first.TryGetValue(k, out var v) && v != second[k]).Order().ToList();

            var result = ServerSideApply.Apply(live, ConfigMapOf(second), ApplyTo(ConfigMap, "cm", manager: "two"));
            if (changed.Count > 0)
            {
                var failure = result as ApplyResult.Failure;
                var fields = failure?.Status.Details?.Causes.Select(x => x.Field).ToList();
                if (fields is null || !fields.SequenceEqual(changed.Select(k => ".data." + k))) return false;
            }
            else if (result is not ApplyResult.Success) return false;

            var forced = ((ApplyResult.Success)ServerSideApply.Apply(live, ConfigMapOf(second), ApplyTo(ConfigMap, "cm", manager: "two", force: true))).Object;
            var merged = first.Concat(second).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            var firstKeeps = first.Keys.Except(changed).Order().ToList();
            var ownedByFirst = Entries(forced).SingleOrDefault(e => e.Manager == "one")?.Fields.Paths.Select(p => p.ToString()).ToList() ?? [];
            // Applying an empty map owns the map itself.
            var expectedOwned = first.Count == 0 ? [".data"] : firstKeeps.Select(k => ".data." + k).ToList();
            return forced["data"]!.ToJsonString() == Map(merged).ToJsonString() && ownedByFirst.SequenceEqual(expectedOwned);
        }).Check(Quick);
    }

    private static readonly Gen<FieldPath> PathGen =
        Gen.ListOf(Gen.OneOf(
                Gen.Elements("a", "b", "spec", "métadata", "x<y").Select(PathElement.Field),
                Gen.Elements(0, 1, 80, 8080).Select(n => PathElement.KeyOf(("port", JsonValue.Create(n)), ("protocol", JsonValue.Create("TCP")))),
                Gen.Elements("v1", "v2").Select(v => PathElement.ValueOf(JsonValue.Create(v))),
                Gen.Elements(0, 2, 10).Select(PathElement.IndexOf)))
            .Where(elements => elements.Count is > 0 and < 5)
            .Select(elements => new FieldPath(elements));

    private static readonly Gen<(FieldSet Set, List<FieldPath> Paths)> SetGen =
        Gen.ListOf(PathGen).Select(paths => (FieldSet.Of(paths.ToArray()), paths.Distinct().ToList()));

    [Fact]
    public void FieldsV1_round_trips_any_set()
    {
        Prop.ForAll(SetGen.ToArbitrary(), s =>
        {
            var text = FieldsV1.Serialize(s.Set);
            var parsed = FieldsV1.Parse(text);
            return parsed.Equals(s.Set) && FieldsV1.Serialize(parsed) == text
                   && s.Set.Paths.OrderBy(p => p).SequenceEqual(s.Paths.OrderBy(p => p))
                   && s.Paths.All(s.Set.Has);
        }).Check(Quick);
    }

    [Fact]
    public void Union_intersection_and_difference_act_on_paths()
    {
        Prop.ForAll(Gen.Zip(SetGen, SetGen).ToArbitrary(), c =>
        {
            var ((a, aPaths), (b, bPaths)) = c;
            var union = aPaths.Union(bPaths).ToHashSet();
            var intersection = aPaths.Intersect(bPaths).ToHashSet();
            var difference = aPaths.Except(bPaths).ToHashSet();
            return a.Union(b).Paths.ToHashSet().SetEquals(union)
                   && a.Intersection(b).Paths.ToHashSet().SetEquals(intersection)
                   && a.Difference(b).Paths.ToHashSet().SetEquals(difference)
                   && a.RecursiveDifference(b).Paths.All(p => !bPaths.Any(q => IsPrefix(q, p)));
        }).Check(Quick);

        static bool IsPrefix(FieldPath prefix, FieldPath path) =>
            prefix.Elements.Count <= path.Elements.Count && prefix.Elements.SequenceEqual(path.Elements.Take(prefix.Elements.Count));
    }
}
