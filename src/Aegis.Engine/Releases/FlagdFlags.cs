using Aegis.Engine.Infrastructure;

namespace Aegis.Engine.Releases;

/// <summary>
/// Feature flags as OpenFeature flagd flag definitions (<c>https://flagd.dev/schema/v0/flags.json</c>): a boolean
/// flag with variants <c>on</c>/<c>off</c> whose default is <c>off</c>; between 0 and 100 % a <c>fractional</c>
/// targeting rule sends that share of targeting keys to <c>on</c> (flagd buckets by flag key and
/// <c>targetingKey</c>, so a user keeps their variant); at 100 % the default is <c>on</c>.
/// </summary>
public static class FlagdFlags
{
    public const string Schema = "https://flagd.dev/schema/v0/flags.json";

    public static string Render(string name, bool enabled, int percentage)
        => Render(new[] { new FeatureFlagSetting(name, enabled, percentage) });

    public static string Render(IEnumerable<FeatureFlagSetting> flags)
    {
        var json = new JsonText().BeginObject().Property("$schema", Schema).Name("flags").BeginObject();
        foreach (var flag in flags)
        {
            flag.Validate();
            // A disabled flag stays ENABLED in flagd's sense with everyone on "off": flagd's own DISABLED state makes the
            // provider fall back to the default written in the application's code, which may be "on".
            var everyone = !flag.ServesAnyone ? "off" : flag.Percentage == 100 ? "on" : null;
            json.Name(flag.Name).BeginObject()
                .Property("state", "ENABLED")
                .Name("variants").BeginObject().Property("on", true).Property("off", false).EndObject()
                .Property("defaultVariant", everyone ?? "off");
            if (everyone is null)
            {
                json.Name("targeting").BeginObject()
                    .Name("fractional").BeginArray()
                    .InlineArray("on", flag.Percentage)
                    .InlineArray("off", 100 - flag.Percentage)
                    .EndArray()
                    .EndObject();
            }

            json.EndObject();
        }

        return json.EndObject().EndObject().ToString();
    }

    public static void Write(string path, string name, bool enabled, int percentage)
        => AtomicFile.WriteAllText(path, Render(name, enabled, percentage));

    public static void Write(string path, IEnumerable<FeatureFlagSetting> flags)
        => AtomicFile.WriteAllText(path, Render(flags));
}
