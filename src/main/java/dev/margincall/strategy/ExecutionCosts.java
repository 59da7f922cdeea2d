package dev.margincall.strategy;

import java.math.BigInteger;

/**
 * The costs a plan pays beyond the liquidation itself, at planning time.
 *
 * @param gasPriceWei       what one unit of gas is expected to cost (next base fee + priority fee)
 * @param nativePriceBase   price of one native token (10^18 wei) in the oracle's base currency
 * @param flashPremiumBps   the pool's flash-loan premium (Aave: FLASHLOAN_PREMIUM_TOTAL)
 */
public record ExecutionCosts(BigInteger gasPriceWei, BigInteger nativePriceBase, int flashPremiumBps) {

    private static final BigInteger WEI_PER_NATIVE = BigInteger.TEN.pow(18);

    /** Gas cost in the base currency, rounded up: a cost is never underestimated. */
    public BigInteger gasCostBase(long gas) {
        BigInteger wei = gasPriceWei.multiply(BigInteger.valueOf(gas));
        return ceilDiv(wei.multiply(nativePriceBase), WEI_PER_NATIVE);
    }

    /** An amount in the base currency as wei of the native token (rounded down: for profits). */
    public BigInteger baseToWei(BigInteger base) {
        return nativePriceBase.signum() == 0 ? BigInteger.ZERO : base.multiply(WEI_PER_NATIVE).divide(nativePriceBase);
    }

    /** An amount in the base currency as wei of the native token (rounded up: for minimums). */
    public BigInteger baseToWeiCeil(BigInteger base) {
        return nativePriceBase.signum() == 0 ? BigInteger.ZERO : ceilDiv(base.multiply(WEI_PER_NATIVE), nativePriceBase);
    }

    static BigInteger ceilDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() > 0 ? qr[0].add(BigInteger.ONE) : qr[0];
    }
}
