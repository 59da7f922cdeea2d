package dev.margincall.chain;

import java.time.Duration;

/**
 * How hard to try each endpoint before moving on.
 *
 * @param maxAttempts          attempts per endpoint for transient failures (1 = no retry)
 * @param initialBackoff       first wait; doubles per attempt with ±50 % jitter, capped at {@code maxBackoff}
 * @param failureRatePercent   the breaker opens when this share of the last {@code breakerWindow} calls failed
 * @param breakerOpenFor       how long an open breaker rejects calls before letting a few through to probe
 * @param requestsPerSecond    client-side rate limit per endpoint; 0 for none
 * @param maxHeadLagBlocks     an endpoint whose head is further behind the best one is not used for reads
 */
public record RpcPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                        int failureRatePercent, int breakerWindow, Duration breakerOpenFor,
                        int requestsPerSecond, long maxHeadLagBlocks) {

    public RpcPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (failureRatePercent < 1 || failureRatePercent > 100) {
            throw new IllegalArgumentException("failureRatePercent must be 1..100, got " + failureRatePercent);
        }
    }

    public static RpcPolicy defaults() {
        return new RpcPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5), 50, 20, Duration.ofSeconds(30), 0, 5);
    }

    public RpcPolicy withBackoff(Duration initial, Duration max) {
        return new RpcPolicy(maxAttempts, initial, max, failureRatePercent, breakerWindow, breakerOpenFor, requestsPerSecond, maxHeadLagBlocks);
    }

    public RpcPolicy withBreaker(int ratePercent, int window, Duration openFor) {
        return new RpcPolicy(maxAttempts, initialBackoff, maxBackoff, ratePercent, window, openFor, requestsPerSecond, maxHeadLagBlocks);
    }

    public RpcPolicy withMaxHeadLag(long blocks) {
        return new RpcPolicy(maxAttempts, initialBackoff, maxBackoff, failureRatePercent, breakerWindow, breakerOpenFor, requestsPerSecond, blocks);
    }
}
