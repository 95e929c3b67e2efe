using System;
using System.Collections.Generic;
using System.IO;
using RSerPool.Client;
using RSerPool.Registrars;
using Xunit;

namespace RSerPool.Tests.Registrars;

public sealed class RegistrarDefaultsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rserpool-defaults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Load_VariableSet_ParsesSemicolonAndSpaceSeparatedList()
    {
        IReadOnlyList<RegistrarAddress> list = RegistrarDefaults.Load(
            Env(("RSERPOOL_REGISTRARS", "10.0.0.1:3863; 10.0.0.2 [::1]:4000\t10.0.0.3,10.0.1.3")),
            new[] { WriteFile("ignored", "10.9.9.9") });

        Assert.Equal(new[] { "10.0.0.1:3863", "10.0.0.2:3863", "[::1]:4000", "10.0.0.3,10.0.1.3:3863" }, Texts(list));
        Assert.Equal("RSERPOOL_REGISTRARS", PoolUserDefaults.RegistrarsVariable);
    }

    [Fact]
    public void Load_VariableWithBadEntry_ThrowsNamingTheVariable()
    {
        var e = Assert.Throws<FormatException>(() => RegistrarDefaults.Load(Env(("RSERPOOL_REGISTRARS", "10.0.0.1 bogus:1")), Array.Empty<string>()));

        Assert.Contains("RSERPOOL_REGISTRARS", e.Message, StringComparison.Ordinal);
        Assert.Contains("'bogus:1'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigFileWithComments_ReadsEveryEntry()
    {
        string file = WriteFile("registrars",
            "# registrars of the lab\n" +
            "\n" +
            "10.0.0.1:3863   # the first\n" +
            "   [fd00::2]:3863\n" +
            "#10.0.0.99\n" +
            "10.0.0.3;10.0.0.4:5000\n");

        IReadOnlyList<RegistrarAddress> list = RegistrarDefaults.Load(Env(), new[] { Path.Combine(_dir, "missing"), file });

        Assert.Equal(new[] { "10.0.0.1:3863", "[fd00::2]:3863", "10.0.0.3:3863", "10.0.0.4:5000" }, Texts(list));
    }

    [Fact]
    public void Load_FirstExistingFileWins()
    {
        string first = WriteFile("a", "10.0.0.1");
        string second = WriteFile("b", "10.0.0.2");

        Assert.Equal(new[] { "10.0.0.1:3863" }, Texts(RegistrarDefaults.Load(Env(), new[] { first, second })));
    }

    [Fact]
    public void Load_BadLineInFile_ThrowsNamingTheFile()
    {
        string file = WriteFile("registrars", "10.0.0.1\nnot-an-address # oops\n");

        var e = Assert.Throws<FormatException>(() => RegistrarDefaults.Load(Env(), new[] { file }));

        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains("'not-an-address'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NothingAnywhere_Empty()
        => Assert.Empty(RegistrarDefaults.Load(Env(), new[] { Path.Combine(_dir, "none") }));

    [Fact]
    public void Load_StandardFiles_UseXdgConfigHome()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "rserpool"));
        File.WriteAllText(Path.Combine(_dir, "rserpool", PoolUserDefaults.RegistrarsFileName), "10.7.7.7:3863\n");

        IReadOnlyList<RegistrarAddress> list = RegistrarDefaults.Load(Env(("XDG_CONFIG_HOME", _dir)));

        Assert.Equal(new[] { "10.7.7.7:3863" }, Texts(list));
    }

    [Fact]
    public void Load_StandardFiles_FallBackToHomeConfig()
    {
        Directory.CreateDirectory(Path.Combine(_dir, ".config", "rserpool"));
        File.WriteAllText(Path.Combine(_dir, ".config", "rserpool", "registrars"), "10.8.8.8\n");

        IReadOnlyList<RegistrarAddress> list = RegistrarDefaults.Load(Env(("HOME", _dir)));

        Assert.Equal(new[] { "10.8.8.8:3863" }, Texts(list));
    }

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static Func<string, string?> Env(params (string Name, string Value)[] variables) => name =>
    {
        foreach ((string n, string v) in variables)
        {
            if (n == name)
            {
                return v;
            }
        }

        return null;
    };

    private static string[] Texts(IReadOnlyList<RegistrarAddress> list)
    {
        var texts = new string[list.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = list[i].ToString();
        }

        return texts;
    }
}
