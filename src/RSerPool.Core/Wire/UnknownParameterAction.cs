namespace RSerPool.Wire;

/// <summary>
/// What a receiver does with a parameter type it does not recognise: the two most significant bits of
/// the parameter type (RFC 5354 §3).
/// </summary>
public enum UnknownParameterAction : byte
{
    /// <summary><c>00</c>: stop processing the message and discard it.</summary>
    Stop = 0,

    /// <summary><c>01</c>: stop, discard, and report the parameter in an "Unrecognized Parameter" error.</summary>
    StopAndReport = 1,

    /// <summary><c>10</c>: skip this parameter and continue.</summary>
    Skip = 2,

    /// <summary><c>11</c>: skip, continue, and report the parameter in an "Unrecognized Parameter" error.</summary>
    SkipAndReport = 3,
}
