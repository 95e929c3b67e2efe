namespace RSerPool.Wire.Parameters;

/// <summary>
/// A parameter that can be a pool element's User Transport (RFC 5354 §3.10): DCCP, SCTP, TCP, UDP,
/// UDP-Lite or Opaque Transport.
/// </summary>
public abstract record UserTransportParameter : AsapParameter
{
    private protected UserTransportParameter()
    {
    }
}
