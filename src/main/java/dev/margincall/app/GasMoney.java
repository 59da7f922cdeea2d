package dev.margincall.app;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.core.Address;
import dev.margincall.observability.NanoClock;
import java.math.BigInteger;
import java.time.Duration;

/**
 * The signer's gas money: its native balance and how many liquidations it still pays for at the current
 * fees. Read at the first head, after any of our transactions settles (that is when we spend), and at
 * least every {@link #REFRESH} (someone may top it up or drain it): a quiet block costs no request for it.
 */
final class GasMoney {

    static final Duration REFRESH = Duration.ofMinutes(5);

    private final EthRpc rpc;
    private final Address signer;
    private final NanoClock clock;
    private long readAtNanos;
    private boolean read;

    GasMoney(EthRpc rpc, Address signer, NanoClock clock) {
        this.rpc = rpc;
        this.signer = signer;
        this.clock = clock;
    }

    /** True when the balance should be read now. */
    boolean due(boolean spent) {
        return !read || spent || clock.nanoTime() - readAtNanos >= REFRESH.toNanos();
    }

    /** The balance and how many liquidations of {@code gasPerLiquidation} gas at {@code gasPriceWei} it pays for. */
    record Reading(BigInteger balanceWei, long affordable) {
    }

    Reading read(long block, BigInteger gasPriceWei, long gasPerLiquidation) {
        BigInteger balance = rpc.balance(signer, BlockTag.number(block));
        readAtNanos = clock.nanoTime();
        read = true;
        BigInteger perLiquidation = gasPriceWei.multiply(BigInteger.valueOf(Math.max(1, gasPerLiquidation)));
        long affordable = perLiquidation.signum() == 0 ? Long.MAX_VALUE : balance.divide(perLiquidation).min(BigInteger.valueOf(Long.MAX_VALUE)).longValue();
        return new Reading(balance, affordable);
    }
}
