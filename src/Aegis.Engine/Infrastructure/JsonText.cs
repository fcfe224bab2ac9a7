using System.Globalization;
using System.Text;

namespace Aegis.Engine.Infrastructure;

/// <summary>
/// A tiny hand-ordered JSON writer: properties appear in the order they are written, two-space indentation,
/// <c>\n</c> newlines on every OS, invariant culture. (Utf8JsonWriter on .NET 8 uses the OS newline.)
/// </summary>
public sealed class JsonText
{
    private readonly StringBuilder builder = new();
    private readonly Stack<bool> first = new();
    private bool pendingValueAfterName;

    public JsonText BeginObject() => Open('{');

    public JsonText EndObject() => Close('}');

    public JsonText BeginArray() => Open('[');

    public JsonText EndArray() => Close(']');

    public JsonText Name(string name)
    {
        Separator();
        AppendString(name);
        builder.Append(": ");
        pendingValueAfterName = true;
        return this;
    }

    public JsonText String(string? value)
    {
        Separator();
        if (value is null)
        {
            builder.Append("null");
        }
        else
        {
            AppendString(value);
        }

        return this;
    }

    public JsonText Number(long value)
    {
        Separator();
        builder.Append(value.ToString(CultureInfo.InvariantCulture));
        return this;
    }

    public JsonText Number(double value, string format)
    {
        Separator();
        builder.Append(value.ToString(format, CultureInfo.InvariantCulture));
        return this;
    }

    public JsonText Bool(bool value)
    {
        Separator();
        builder.Append(value ? "true" : "false");
        return this;
    }

    public JsonText Null()
    {
        Separator();
        builder.Append("null");
        return this;
    }

    /// <summary>A short array of scalars on one line (<c>["policy", true, "OK"]</c>), as DESIGN.md shows checks.</summary>
    public JsonText InlineArray(params object?[] values)
    {
        Separator();
        builder.Append('[');
        for (var i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            switch (values[i])
            {
                case null: builder.Append("null"); break;
                case bool b: builder.Append(b ? "true" : "false"); break;
                case long l: builder.Append(l.ToString(CultureInfo.InvariantCulture)); break;
                case int n: builder.Append(n.ToString(CultureInfo.InvariantCulture)); break;
                default: AppendString(Convert.ToString(values[i], CultureInfo.InvariantCulture) ?? ""); break;
            }
        }

        builder.Append(']');
        return this;
    }

    public JsonText Property(string name, string? value) => Name(name).String(value);

    public JsonText Property(string name, long value) => Name(name).Number(value);

    public JsonText Property(string name, bool value) => Name(name).Bool(value);

    public override string ToString() => builder.ToString() + "\n";

    private JsonText Open(char bracket)
    {
        Separator();
        builder.Append(bracket);
        first.Push(true);
        return this;
    }

    private JsonText Close(char bracket)
    {
        var empty = first.Pop();
        if (!empty)
        {
            builder.Append('\n').Append(' ', first.Count * 2);
        }

        builder.Append(bracket);
        return this;
    }

    private void Separator()
    {
        if (pendingValueAfterName)
        {
            pendingValueAfterName = false;
            return;
        }

        if (first.Count == 0)
        {
            return;
        }

        if (!first.Pop())
        {
            builder.Append(',');
        }

        first.Push(false);
        builder.Append('\n').Append(' ', first.Count * 2);
    }

    private void AppendString(string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20 || c is '\u2028' or '\u2029')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }
}
