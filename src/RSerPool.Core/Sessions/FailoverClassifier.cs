using System;
using RSerPool.Transport;

namespace RSerPool.Sessions;

/// <summary>What a failure says about the element that served the session.</summary>
/// <param name="ReportNow">The element is unreachable: report it (ENDPOINT_UNREACHABLE) and do not select it again.</param>
/// <param name="ProbeBeforeReport">The element ended the association gracefully: it may be alive; report only if it refuses a new one.</param>
internal readonly record struct FailureVerdict(bool ReportNow, bool ProbeBeforeReport);

/// <summary>Pure decision: failure -> verdict (table-tested).</summary>
internal static class FailoverClassifier
{
    internal static FailureVerdict Classify(Exception failure) => failure switch
    {
        TransportException { Failure: TransportFailure.Shutdown } => new(ReportNow: false, ProbeBeforeReport: true),
        TransportException { Failure: TransportFailure.MessageTooLarge or TransportFailure.SctpUnavailable } => new(ReportNow: false, ProbeBeforeReport: false),
        TransportException => new(ReportNow: true, ProbeBeforeReport: false),
        TimeoutException => new(ReportNow: true, ProbeBeforeReport: false),
        _ => new(ReportNow: false, ProbeBeforeReport: true),
    };
}
