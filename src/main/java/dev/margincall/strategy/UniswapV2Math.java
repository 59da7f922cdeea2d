package dev.margincall.strategy;

import java.math.BigInteger;
import java.util.List;

/**
 * UniswapV2Library.getAmountOut (v2-periphery): the exact output of a swap through constant-product
 * pools with the 0.3 % fee, so a plan's swap proceeds include its price impact.
 */
public final class UniswapV2Math {

    private static final BigInteger FEE_NUMERATOR = BigInteger.valueOf(997);
    private static final BigInteger FEE_DENOMINATOR = BigInteger.valueOf(1000);

    private UniswapV2Math() {
    }

    public static BigInteger amountOut(BigInteger amountIn, BigInteger reserveIn, BigInteger reserveOut) {
        if (amountIn.signum() <= 0 || reserveIn.signum() <= 0 || reserveOut.signum() <= 0) {
            return BigInteger.ZERO;
        }
        BigInteger inWithFee = amountIn.multiply(FEE_NUMERATOR);
        return inWithFee.multiply(reserveOut).divide(reserveIn.multiply(FEE_DENOMINATOR).add(inWithFee));
    }

    /** getAmountsOut along a path: each hop's output is the next hop's input. */
    public static BigInteger amountOut(BigInteger amountIn, List<PoolReserves> hops) {
        BigInteger amount = amountIn;
        for (PoolReserves hop : hops) {
            amount = amountOut(amount, hop.reserveIn(), hop.reserveOut());
        }
        return amount;
    }
}
