using System;
using System.Collections.Generic;
using System.IO;
using RSerPool.Sessions;
using RSerPool.Transport;
using Xunit;

namespace RSerPool.Tests.Sessions;

public sealed class FailoverClassifierTests
{
    /// <summary>
    /// What each transport failure says about the element that served the session. Graceful SHUTDOWN may
    /// come from a live element (probe first); MessageTooLarge and SctpUnavailable are local conditions
    /// that say nothing about the element (neither report nor probe); everything else means the element
    /// is unreachable now.
    /// </summary>
    public static TheoryData<TransportFailure, bool, bool> TransportVerdicts => new()
    {
        { TransportFailure.SctpUnavailable, false, false },
        { TransportFailure.ConnectFailed, true, false },
        { TransportFailure.ConnectTimeout, true, false },
        { TransportFailure.PeerAborted, true, false },
        { TransportFailure.CommunicationLost, true, false },
        { TransportFailure.Shutdown, false, true },
        { TransportFailure.MessageTooLarge, false, false },
        { TransportFailure.SendFailed, true, false },
        { TransportFailure.SocketError, true, false },
    };

    [Theory]
    [MemberData(nameof(TransportVerdicts))]
    public void Classify_TransportFailure(TransportFailure failure, bool reportNow, bool probeBeforeReport)
    {
        FailureVerdict verdict = FailoverClassifier.Classify(new TransportException(failure, "test"));

        Assert.Equal(new FailureVerdict(reportNow, probeBeforeReport), verdict);
    }

    [Fact]
    public void TransportVerdicts_CoverEveryTransportFailure()
    {
        var covered = new HashSet<TransportFailure>();
        foreach (object[] row in TransportVerdicts)
        {
            Assert.True(covered.Add((TransportFailure)row[0]), $"{row[0]} is listed twice");
        }

        Assert.Equal(new HashSet<TransportFailure>(Enum.GetValues<TransportFailure>()), covered);
    }

    [Fact]
    public void Classify_RequestTimeout_ReportsNow()
    {
        Assert.Equal(new FailureVerdict(ReportNow: true, ProbeBeforeReport: false), FailoverClassifier.Classify(new TimeoutException("no answer")));
    }

    [Fact]
    public void Classify_TransportFailureWithInnerException_UsesTheFailureNotTheInner()
    {
        var e = new TransportException(TransportFailure.Shutdown, "closed", innerException: new TimeoutException());

        Assert.Equal(new FailureVerdict(ReportNow: false, ProbeBeforeReport: true), FailoverClassifier.Classify(e));
    }

    public static TheoryData<Exception> OtherFailures => new()
    {
        new RSerPoolException(PoolFailure.NoPoolElementAvailable, "none left"),
        new IOException("not a transport exception"),
        new InvalidOperationException("unknown"),
    };

    [Theory]
    [MemberData(nameof(OtherFailures))]
    public void Classify_AnythingElse_ProbesBeforeReporting(Exception failure)
    {
        // Such a failure says nothing certain about the element: do not report it on hearsay.
        Assert.Equal(new FailureVerdict(ReportNow: false, ProbeBeforeReport: true), FailoverClassifier.Classify(failure));
    }

    [Fact]
    public void Verdict_NeverBothReportAndProbe()
    {
        foreach (TransportFailure failure in Enum.GetValues<TransportFailure>())
        {
            FailureVerdict v = FailoverClassifier.Classify(new TransportException(failure, "x"));
            Assert.False(v.ReportNow && v.ProbeBeforeReport, failure.ToString());
        }
    }
}
