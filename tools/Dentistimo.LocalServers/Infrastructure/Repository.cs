namespace Dentistimo.LocalServers.Infrastructure;

public static class Repository
{
    /// <summary>The folder holding Dentistimo.sln, found above the running program or the current folder.</summary>
    public static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Dentistimo.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"Could not find the Dentistimo repository (a folder holding Dentistimo.sln) above {AppContext.BaseDirectory} " +
            $"or {Directory.GetCurrentDirectory()}. Run from inside the repository, or set {LocalServerSet.StateDirectoryVariable}.");
    }
}
