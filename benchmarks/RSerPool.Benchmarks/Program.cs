using BenchmarkDotNet.Running;

namespace RSerPool.Benchmarks;

/// <summary>Entry point: BenchmarkDotNet's switcher (pass --filter '*' to run everything).</summary>
public static class Program
{
    /// <summary>Runs the benchmarks chosen on the command line.</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
