using System.Text;

namespace Aegis.Engine.Infrastructure;

/// <summary>Writes that a reader never sees half-done: write a temp file in the same folder, then rename.</summary>
public static class AtomicFile
{
    public static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>; skips the write when the content is unchanged.</summary>
    public static void WriteAllText(string path, string content)
    {
        if (File.Exists(path) && File.ReadAllText(path, Utf8NoBom) == content)
        {
            return;
        }

        WriteAllText(path, content, Utf8NoBom);
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/> in <paramref name="encoding"/> (its preamble, a
    /// BOM, included when the encoding has one): a source file keeps the encoding it was read in.
    /// </summary>
    public static void WriteAllText(string path, string content, Encoding encoding)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            File.WriteAllText(temp, content, encoding);
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Writes <paramref name="content"/> to a hidden temp file next to <paramref name="path"/> and returns its
    /// path, for a caller that renames several files only once all of them are written; removes it on failure.</summary>
    public static string Stage(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            File.WriteAllText(temp, content, Utf8NoBom);
            return temp;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Creates <paramref name="path"/> with <paramref name="content"/>; never replaces an existing file (append-only stores).</summary>
    public static bool TryCreate(string path, string content)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            File.WriteAllText(temp, content, Utf8NoBom);
            try
            {
                File.Move(temp, path, overwrite: false);
                return true;
            }
            catch (IOException) when (File.Exists(path))
            {
                return false;
            }
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
