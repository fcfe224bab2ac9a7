using System.Text.Json;
using System.Text.RegularExpressions;

namespace Aegis.Engine.Tests.Infrastructure;

/// <summary>
/// A small JSON Schema checker for the subset docs/risk-card.schema.json uses (type, const, enum, required,
/// additionalProperties:false, properties, items, prefixItems, min/maxItems, minimum/maximum, maxLength,
/// minLength, pattern). No validator package is available offline; this is enough to keep card and schema in step.
/// </summary>
public static class MiniSchema
{
    public static List<string> Validate(JsonElement schema, JsonElement value, string path = "$")
    {
        var errors = new List<string>();
        Check(schema, value, path, errors);
        return errors;
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aegis.Analyzers.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("repository root not found");
    }

    private static void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("const", out var constant) && constant.ToString() != value.ToString())
        {
            errors.Add(path + ": expected " + constant);
        }

        if (schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(o => o.ToString() == value.ToString() && o.ValueKind == value.ValueKind))
        {
            errors.Add(path + ": " + value + " not in enum");
        }

        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : new List<string> { type.GetString()! };
            if (!types.Any(t => IsType(t, value)))
            {
                errors.Add(path + ": expected " + string.Join("|", types) + ", got " + value.ValueKind);
                return;
            }
        }

        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                {
                    if (!value.TryGetProperty(name, out _))
                    {
                        errors.Add(path + ": missing " + name);
                    }
                }
            }

            schema.TryGetProperty("properties", out var properties);
            foreach (var property in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var sub))
                {
                    Check(sub, property.Value, path + "." + property.Name, errors);
                }
                else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False)
                {
                    errors.Add(path + ": unexpected property " + property.Name);
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            var items = value.EnumerateArray().ToList();
            if (schema.TryGetProperty("minItems", out var min) && items.Count < min.GetInt32())
            {
                errors.Add(path + ": too few items");
            }

            if (schema.TryGetProperty("maxItems", out var max) && items.Count > max.GetInt32())
            {
                errors.Add(path + ": too many items");
            }

            var prefix = schema.TryGetProperty("prefixItems", out var p) ? p.EnumerateArray().ToList() : new List<JsonElement>();
            for (var i = 0; i < items.Count; i++)
            {
                if (i < prefix.Count)
                {
                    Check(prefix[i], items[i], path + "[" + i + "]", errors);
                }
                else if (schema.TryGetProperty("items", out var itemSchema))
                {
                    Check(itemSchema, items[i], path + "[" + i + "]", errors);
                }
            }
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            if (schema.TryGetProperty("minimum", out var minimum) && value.GetDouble() < minimum.GetDouble())
            {
                errors.Add(path + ": below minimum");
            }

            if (schema.TryGetProperty("maximum", out var maximum) && value.GetDouble() > maximum.GetDouble())
            {
                errors.Add(path + ": above maximum");
            }
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString()!;
            if (schema.TryGetProperty("maxLength", out var maxLength) && text.Length > maxLength.GetInt32())
            {
                errors.Add(path + ": longer than " + maxLength);
            }

            if (schema.TryGetProperty("minLength", out var minLength) && text.Length < minLength.GetInt32())
            {
                errors.Add(path + ": shorter than " + minLength);
            }

            if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, pattern.GetString()!))
            {
                errors.Add(path + ": does not match " + pattern);
            }
        }
    }

    private static bool IsType(string type, JsonElement value) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        _ => true,
    };
}
