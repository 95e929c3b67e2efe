namespace RSerPool.Sessions;

/// <summary>Where a <see cref="PoolSession"/> stands.</summary>
public enum SessionState
{
    /// <summary>Selecting and connecting the first pool element.</summary>
    Connecting,

    /// <summary>An association with the current pool element is up.</summary>
    Connected,

    /// <summary>The current element failed; another one is being selected and connected.</summary>
    FailingOver,

    /// <summary>No element could be reached; the next call tries again.</summary>
    Failed,

    /// <summary>Closed by the user.</summary>
    Closed,
}
