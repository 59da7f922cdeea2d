package dev.margincall.submit;

import dev.margincall.chain.FeeHistory;
import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * EIP-1559 pricing. From {@code eth_feeHistory}: the next block's base fee (the last entry) and the
 * median of recent blocks' tips at the configured percentile. The fee cap is twice the next base fee
 * plus the tip (room for a few full blocks), but never more than the share of the profit gas may take:
 * a liquidation never pays more for gas than it earns.
 *
 * @param minPriorityFeeWei   floor of the tip (blocks with no transactions report 0)
 * @param maxGasShareBps      most of the gross profit the worst-case gas bill may take (basis points)
 * @param rewardPercentile    the tip percentile asked of {@code eth_feeHistory}
 */
public record FeePolicy(BigInteger minPriorityFeeWei, int maxGasShareBps, double rewardPercentile) {

    /** Nodes accept a replacement only at +10 % on both caps (geth); some want +12.5 %: we always bump by 12.5 % or more. */
    static final BigInteger BUMP_NUMERATOR = BigInteger.valueOf(1125);
    static final BigInteger BUMP_DENOMINATOR = BigInteger.valueOf(1000);

    public FeePolicy {
        if (maxGasShareBps <= 0 || maxGasShareBps > 10_000) {
            throw new IllegalArgumentException("maxGasShareBps must be within 1..10000, got " + maxGasShareBps);
        }
    }

    public static FeePolicy defaults() {
        return new FeePolicy(BigInteger.valueOf(1_000_000_000L), 5_000, 50);
    }

    public List<Double> percentiles() {
        return List.of(rewardPercentile);
    }

    /** What the network asks now: the next base fee and a tip. */
    public MarketFees market(FeeHistory history) {
        List<BigInteger> baseFees = history.baseFeePerGas();
        BigInteger nextBaseFee = baseFees.isEmpty() ? BigInteger.ZERO : baseFees.get(baseFees.size() - 1);
        List<BigInteger> tips = history.reward().stream().filter(r -> !r.isEmpty()).map(r -> r.get(0)).sorted().toList();
        BigInteger tip = tips.isEmpty() ? BigInteger.ZERO : tips.get(tips.size() / 2);
        return new MarketFees(nextBaseFee, tip.max(minPriorityFeeWei));
    }

    /** The fee caps of a first attempt, or empty when even the next block's base fee breaks the profit cap. */
    public Optional<Fees> price(MarketFees market, BigInteger grossProfitWei, BigInteger minProfitWei, BigInteger gasLimit) {
        BigInteger cap = cap(grossProfitWei, minProfitWei, gasLimit);
        BigInteger wanted = market.wantedMaxFee();
        if (cap.compareTo(market.nextBaseFee()) <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Fees(wanted.min(cap), market.tip()));
    }

    /**
     * The caps of a replacement at the same nonce: at least 12.5 % above the previous on both caps and
     * at least what the market asks now; empty when that would break the profit cap.
     */
    public Optional<Fees> bump(Fees previous, MarketFees market, BigInteger grossProfitWei, BigInteger minProfitWei, BigInteger gasLimit) {
        BigInteger maxFee = bumped(previous.maxFeePerGas()).max(market.wantedMaxFee());
        BigInteger tip = bumped(previous.maxPriorityFeePerGas()).max(market.tip());
        BigInteger cap = cap(grossProfitWei, minProfitWei, gasLimit);
        if (maxFee.compareTo(cap) > 0) {
            maxFee = bumped(previous.maxFeePerGas());
            if (maxFee.compareTo(cap) > 0) {
                return Optional.empty();
            }
        }
        return Optional.of(new Fees(maxFee, tip.min(maxFee)));
    }

    /** A cancellation (0-value self-transfer, 21,000 gas) at the same nonce: bumped past the stuck one, whatever the profit. */
    public Fees cancel(Fees stuck, MarketFees market) {
        BigInteger maxFee = bumped(stuck.maxFeePerGas()).max(market.wantedMaxFee());
        return new Fees(maxFee, bumped(stuck.maxPriorityFeePerGas()).max(market.tip()));
    }

    /**
     * The most a unit of gas may cost: the whole gas limit at this price takes at most the allowed share of
     * the gross profit, and never eats into the configured minimum profit (a fee rising to its cap, or a
     * replacement's bump, still leaves that minimum).
     */
    private BigInteger cap(BigInteger grossProfitWei, BigInteger minProfitWei, BigInteger gasLimit) {
        BigInteger share = grossProfitWei.multiply(BigInteger.valueOf(maxGasShareBps)).divide(BigInteger.valueOf(10_000));
        BigInteger budget = share.min(grossProfitWei.subtract(minProfitWei)).max(BigInteger.ZERO);
        return budget.divide(gasLimit.max(BigInteger.ONE));
    }

    static BigInteger bumped(BigInteger fee) {
        BigInteger[] qr = fee.multiply(BUMP_NUMERATOR).divideAndRemainder(BUMP_DENOMINATOR);
        BigInteger up = qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
        return up.max(fee.add(BigInteger.ONE));
    }

    /** The next block's base fee and the tip that gets a transaction in. */
    public record MarketFees(BigInteger nextBaseFee, BigInteger tip) {

        /** Twice the next base fee plus the tip: room for the base fee to rise over a few full blocks. */
        public BigInteger wantedMaxFee() {
            return nextBaseFee.multiply(BigInteger.TWO).add(tip);
        }
    }
}
