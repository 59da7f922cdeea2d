package dev.margincall.app;

import dev.margincall.chain.ResilientEthRpc;
import dev.margincall.chain.head.HeadFollower;
import dev.margincall.chain.head.HeadTracker;
import dev.margincall.observability.Health;
import dev.margincall.observability.Health.Check;
import dev.margincall.observability.MetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * The keeper's health, filled in as {@link KeeperRuntime} brings the pieces up, so /health answers from
 * the first moment (during a long backfill it says so, with progress). Liveness: the head follower runs
 * (or the keeper is still starting). Readiness: the backfill is done, the last block the keeper handled is
 * fresh (its timestamp at most {@code maxHeadLagSeconds} old), and at least one RPC endpoint is usable.
 * Every value read here is thread-safe (atomics, volatile fields): the HTTP thread reads while the head
 * follower writes.
 */
final class KeeperHealth {

    private final long maxHeadLagSeconds;
    private final MeterRegistry registry;
    private final Health health = new Health();
    private volatile ResilientEthRpc rpc;
    private volatile int accounts = -1;
    private volatile HeadTracker tracker;
    private volatile HeadFollower follower;
    private volatile Keeper keeper;

    KeeperHealth(long maxHeadLagSeconds, MeterRegistry registry) {
        this.maxHeadLagSeconds = maxHeadLagSeconds;
        this.registry = registry;
        health.liveness("headFollower", this::followerCheck)
                .readiness("backfill", this::backfillCheck)
                .readiness("head", this::headCheck)
                .readiness("rpc", this::rpcCheck);
        Gauge.builder(MetricNames.READY, health, h -> h.ready().up() ? 1 : 0).description("1 when /health says ready")
                .strongReference(true).register(registry);
        Gauge.builder(MetricNames.RPC_ENDPOINTS_HEALTHY, this, h -> h.rpc == null ? 0 : h.rpc.healthyEndpoints().size())
                .strongReference(true).register(registry);
    }

    Health health() {
        return health;
    }

    void rpc(ResilientEthRpc client) {
        this.rpc = client;
    }

    void backfilled(int accountCount) {
        this.accounts = accountCount;
    }

    void following(Keeper runningKeeper, HeadTracker headTracker, HeadFollower headFollower) {
        this.keeper = runningKeeper;
        this.tracker = headTracker;
        this.follower = headFollower;
    }

    private Check followerCheck() {
        HeadFollower current = follower;
        if (current == null) {
            return Check.up("starting: the head follower starts after the backfill");
        }
        return current.alive() ? Check.up("following new heads") : Check.down("the head follower thread has stopped: restart the keeper");
    }

    private Check backfillCheck() {
        if (accounts >= 0) {
            return Check.up("done: " + accounts + " accounts loaded");
        }
        // one pair of gauges per market's log stream (protocol, market labels): the one furthest behind says how far it is
        Gauge reached = null;
        Gauge target = null;
        for (Gauge candidate : registry.find(MetricNames.BACKFILL_TARGET).gauges()) {
            Gauge itsReached = registry.find(MetricNames.BACKFILL_BLOCK).tags(candidate.getId().getTags()).gauge();
            if (itsReached != null && (target == null || candidate.value() - itsReached.value() > target.value() - reached.value())) {
                reached = itsReached;
                target = candidate;
            }
        }
        if (reached == null || target == null || target.value() <= 0) {
            return Check.down("backfill not done: reading the market, or waiting for the first range of logs");
        }
        String market = target.getId().getTag("market") == null ? "" : " (" + target.getId().getTag("protocol") + " " + target.getId().getTag("market") + ")";
        return Check.down("backfill in progress" + market + ": block " + (long) reached.value() + " of " + (long) target.value());
    }

    private Check headCheck() {
        Keeper current = keeper;
        HeadTracker headTracker = tracker;
        if (current == null || headTracker == null || current.processedBlock() < 0) {
            return Check.down("no block handled yet");
        }
        double lag = headTracker.lagSeconds();
        String block = "block " + current.processedBlock();
        if (Double.isNaN(lag)) {
            return Check.down(block + ": head timestamp unknown");
        }
        long seconds = Math.round(lag);
        return lag <= maxHeadLagSeconds ? Check.up(block + ", " + seconds + " s old")
                : Check.down(block + " is " + seconds + " s old (limit " + maxHeadLagSeconds + " s, metrics.maxHeadLagSeconds): "
                        + "the chain or our RPC endpoints are behind");
    }

    private Check rpcCheck() {
        ResilientEthRpc client = rpc;
        if (client == null) {
            return Check.down("RPC client not created yet");
        }
        List<String> healthy = client.healthyEndpoints();
        return healthy.isEmpty() ? Check.down("no usable RPC endpoint: every circuit breaker is open or every endpoint lags; see margincall_rpc_requests")
                : Check.up(healthy.size() + " usable: " + String.join(", ", healthy));
    }
}
