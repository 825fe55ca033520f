namespace Dentistimo.LocalServers.Infrastructure;

/// <summary>The last lines of a log, for error messages that should show why something failed without flooding.</summary>
internal static class LogTail
{
    private const int Lines = 25;

    public static string Of(string text)
    {
        var lines = text.TrimEnd().Split('\n');
        return string.Join('\n', lines.TakeLast(Lines));
    }

    public static string OfFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(0, stream.Length - 16 * 1024), SeekOrigin.Begin);
            return Of(new StreamReader(stream).ReadToEnd());
        }
        catch (IOException)
        {
            return "(no log yet)";
        }
    }
}
