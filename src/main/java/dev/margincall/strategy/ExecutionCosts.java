package dev.margincall.strategy;

import dev.margincall.core.Address;
import dev.margincall.core.Rounding;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.Map;

/**
 * The costs a plan pays beyond the liquidation itself, at planning time, in one market's value unit.
 *
 * @param gasPriceWei        what one unit of gas is expected to cost (next base fee + priority fee)
 * @param nativePrice        price of one native token (10^18 wei) in the market's value unit
 * @param fundingPremiumBps  contract funding's premium on the debt repaid (Aave: FLASHLOAN_PREMIUM_TOTAL; 0 where none)
 * @param valuation          the market's value unit (USD minimums convert through it)
 * @param fundingCapacity    what contract funding can borrow of each asset (Aave 3.1+: a reserve's virtual balance); absent: no known limit
 * @param premiumRoundsUp    the premium rounds up (Aave 3.6) rather than half up (Aave 3.0)
 */
public record ExecutionCosts(BigInteger gasPriceWei, BigInteger nativePrice, int fundingPremiumBps, Valuation valuation,
                             Map<Address, BigInteger> fundingCapacity, boolean premiumRoundsUp) {

    public ExecutionCosts {
        fundingCapacity = Map.copyOf(fundingCapacity);
    }

    public ExecutionCosts(BigInteger gasPriceWei, BigInteger nativePrice, int fundingPremiumBps, Valuation valuation) {
        this(gasPriceWei, nativePrice, fundingPremiumBps, valuation, Map.of(), false);
    }

    /** Contract funding can borrow {@code amount} of {@code asset} (true where the limit is unknown). */
    public boolean fundingCovers(Address asset, BigInteger amount) {
        BigInteger capacity = fundingCapacity.get(asset);
        return capacity == null || capacity.compareTo(amount) >= 0;
    }

    private static final BigInteger WEI_PER_NATIVE = BigInteger.TEN.pow(18);

    /** Gas cost in the value unit, rounded up: a cost is never underestimated. */
    public BigInteger gasCostBase(long gas) {
        BigInteger wei = gasPriceWei.multiply(BigInteger.valueOf(gas));
        return Rounding.ceilDiv(wei.multiply(nativePrice), WEI_PER_NATIVE);
    }

    /** The premium contract funding costs on {@code debt}: half up (Aave 3.0's percentMul) or up (3.6's percentMulCeil). */
    public BigInteger fundingPremium(BigInteger debt) {
        BigInteger bps = BigInteger.valueOf(fundingPremiumBps);
        return premiumRoundsUp ? Rounding.ceilDiv(debt.multiply(bps), BigInteger.valueOf(10_000)) : Rounding.percentMulHalfUp(debt, bps);
    }

    /** An amount in the value unit as wei of the native token (rounded down: for profits). */
    public BigInteger baseToWei(BigInteger base) {
        return nativePrice.signum() == 0 ? BigInteger.ZERO : base.multiply(WEI_PER_NATIVE).divide(nativePrice);
    }

    /** An amount in the value unit as wei of the native token (rounded up: for minimums). */
    public BigInteger baseToWeiCeil(BigInteger base) {
        return nativePrice.signum() == 0 ? BigInteger.ZERO : Rounding.ceilDiv(base.multiply(WEI_PER_NATIVE), nativePrice);
    }
}
