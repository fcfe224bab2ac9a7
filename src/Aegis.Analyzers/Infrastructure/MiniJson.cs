using System.Globalization;
using System.Text;

namespace Aegis.Analyzers.Infrastructure;

/// <summary>
/// A small JSON reader and writer. Analyzers must not depend on an assembly the compiler does not ship
/// (System.Text.Json is absent from the .NET Framework compiler in Visual Studio), and the profile file is small.
/// Values are <see cref="Dictionary{TKey,TValue}"/> (objects, ordinal keys), <see cref="List{T}"/>, string,
/// double, bool and null.
/// </summary>
public static class MiniJson
{
    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> with a position on bad input.</summary>
    public static object? Parse(string text)
    {
        var reader = new Reader(text);
        reader.SkipWhitespace();
        var value = reader.ReadValue(depth: 0);
        reader.SkipWhitespace();
        if (!reader.AtEnd)
        {
            throw reader.Error("unexpected text after the JSON value");
        }

        return value;
    }

    /// <summary>Writes a value with two-space indentation, <c>\n</c> newlines and keys in the order given.</summary>
    public static string Write(object? value)
    {
        var builder = new StringBuilder();
        WriteValue(builder, value, indent: 0);
        builder.Append('\n');
        return builder.ToString();
    }

    private static void WriteValue(StringBuilder builder, object? value, int indent)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case string s:
                WriteString(builder, s);
                break;
            case int i:
                builder.Append(i.ToString(CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case IEnumerable<KeyValuePair<string, object?>> members:
                WriteObject(builder, members.ToList(), indent);
                break;
            case System.Collections.IEnumerable items:
                WriteArray(builder, items.Cast<object?>().ToList(), indent);
                break;
            default:
                throw new ArgumentException("Cannot write a value of type " + value.GetType().Name, nameof(value));
        }
    }

    private static void WriteObject(StringBuilder builder, List<KeyValuePair<string, object?>> members, int indent)
    {
        if (members.Count == 0)
        {
            builder.Append("{}");
            return;
        }

        builder.Append("{\n");
        for (var i = 0; i < members.Count; i++)
        {
            builder.Append(' ', (indent + 1) * 2);
            WriteString(builder, members[i].Key);
            builder.Append(": ");
            WriteValue(builder, members[i].Value, indent + 1);
            builder.Append(i + 1 < members.Count ? ",\n" : "\n");
        }

        builder.Append(' ', indent * 2).Append('}');
    }

    private static void WriteArray(StringBuilder builder, List<object?> items, int indent)
    {
        if (items.Count == 0)
        {
            builder.Append("[]");
            return;
        }

        builder.Append("[\n");
        for (var i = 0; i < items.Count; i++)
        {
            builder.Append(' ', (indent + 1) * 2);
            WriteValue(builder, items[i], indent + 1);
            builder.Append(i + 1 < items.Count ? ",\n" : "\n");
        }

        builder.Append(' ', indent * 2).Append(']');
    }

    private static void WriteString(StringBuilder builder, string text)
    {
        builder.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < ' ')
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

    private sealed class Reader
    {
        private const int MaxDepth = 64;
        private readonly string text;
        private int position;

        public Reader(string text) => this.text = text;

        public bool AtEnd => position >= text.Length;

        public FormatException Error(string message)
        {
            var line = 1;
            var column = 1;
            for (var i = 0; i < position && i < text.Length; i++)
            {
                if (text[i] == '\n')
                {
                    line++;
                    column = 1;
                }
                else
                {
                    column++;
                }
            }

            return new FormatException($"{message} at line {line}, column {column}");
        }

        public void SkipWhitespace()
        {
            while (position < text.Length && (text[position] is ' ' or '\t' or '\r' or '\n' or '\uFEFF'))
            {
                position++;
            }
        }

        public object? ReadValue(int depth)
        {
            if (depth > MaxDepth)
            {
                throw Error("JSON nested too deeply");
            }

            if (AtEnd)
            {
                throw Error("unexpected end of JSON");
            }

            switch (text[position])
            {
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"': return ReadString();
                case 't': return ReadLiteral("true", true);
                case 'f': return ReadLiteral("false", false);
                case 'n': return ReadLiteral("null", null);
                default: return ReadNumber();
            }
        }

        private Dictionary<string, object?> ReadObject(int depth)
        {
            var result = new Dictionary<string, object?>(StringComparer.Ordinal);
            position++;
            SkipWhitespace();
            if (Peek('}'))
            {
                position++;
                return result;
            }

            while (true)
            {
                SkipWhitespace();
                if (!Peek('"'))
                {
                    throw Error("expected a property name");
                }

                var key = ReadString();
                SkipWhitespace();
                Expect(':');
                SkipWhitespace();
                result[key] = ReadValue(depth + 1);
                SkipWhitespace();
                if (Peek(','))
                {
                    position++;
                    continue;
                }

                Expect('}');
                return result;
            }
        }

        private List<object?> ReadArray(int depth)
        {
            var result = new List<object?>();
            position++;
            SkipWhitespace();
            if (Peek(']'))
            {
                position++;
                return result;
            }

            while (true)
            {
                SkipWhitespace();
                result.Add(ReadValue(depth + 1));
                SkipWhitespace();
                if (Peek(','))
                {
                    position++;
                    continue;
                }

                Expect(']');
                return result;
            }
        }

        private string ReadString()
        {
            position++;
            var builder = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw Error("unterminated string");
                }

                var c = text[position++];
                if (c == '"')
                {
                    return builder.ToString();
                }

                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }

                if (AtEnd)
                {
                    throw Error("unterminated escape");
                }

                var escape = text[position++];
                switch (escape)
                {
                    case '"': builder.Append('"'); break;
                    case '\\': builder.Append('\\'); break;
                    case '/': builder.Append('/'); break;
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case 'u':
                        if (position + 4 > text.Length
                            || !int.TryParse(text.Substring(position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code))
                        {
                            throw Error("bad \\u escape");
                        }

                        builder.Append((char)code);
                        position += 4;
                        break;
                    default:
                        throw Error("bad escape");
                }
            }
        }

        private object? ReadLiteral(string literal, object? value)
        {
            if (string.CompareOrdinal(text, position, literal, 0, literal.Length) != 0)
            {
                throw Error("unexpected character");
            }

            position += literal.Length;
            return value;
        }

        private double ReadNumber()
        {
            var start = position;
            while (position < text.Length && (char.IsDigit(text[position]) || text[position] is '-' or '+' or '.' or 'e' or 'E'))
            {
                position++;
            }

            if (start == position
                || !double.TryParse(text.Substring(start, position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                position = start;
                throw Error("unexpected character");
            }

            return number;
        }

        private bool Peek(char c) => position < text.Length && text[position] == c;

        private void Expect(char c)
        {
            if (!Peek(c))
            {
                throw Error($"expected '{c}'");
            }

            position++;
        }
    }
}
