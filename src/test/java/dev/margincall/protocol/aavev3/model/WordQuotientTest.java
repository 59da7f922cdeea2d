package dev.margincall.protocol.aavev3.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Rounding;
import java.math.BigInteger;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link WordQuotient} and the WadRayMath operations on it against their BigInteger expressions, on random operands of every
 * width up to and past 2^128 (past it, and for quotients of 2^128 or more, the BigInteger way answers) and on edge ones.
 */
class WordQuotientTest {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);
    private static final List<BigInteger> EDGES = List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.TWO, BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE),
            BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(127),
            TWO_128.subtract(BigInteger.ONE), TWO_128, TWO_128.add(BigInteger.ONE), WadRayMath.RAY, WadRayMath.HALF_RAY, BigInteger.valueOf(-1),
            BigInteger.valueOf(-5_000).shiftLeft(70));

    @Test
    void equalsTheBigIntegerExpressionOnRandomOperands() {
        Random random = new Random(17);
        for (int i = 0; i < 200_000; i++) {
            BigInteger a = WideMathTest.operand(random, 130);
            BigInteger b = WideMathTest.operand(random, 130);
            BigInteger c = WideMathTest.operand(random, 128);
            int k = random.nextInt(Divisor.MAX_POWER_OF_TEN + 3);
            check(a, b, c, k);
        }
    }

    @Test
    void equalsTheBigIntegerExpressionOnEdgeOperands() {
        for (BigInteger a : EDGES) {
            for (BigInteger b : EDGES) {
                for (int k : new int[] {0, 1, 4, 8, 18, 27, 28}) {
                    check(a, b, BigInteger.ZERO, k);
                    check(a, b, TWO_128.subtract(BigInteger.ONE), k);
                }
            }
        }
    }

    private static void check(BigInteger a, BigInteger b, BigInteger c, int k) {
        BigInteger d = BigInteger.TEN.pow(k);
        assertThat(WordQuotient.of(a, b, WideMath.high(c), WideMath.low(c), k)).as("(%s × %s + %s) / 10^%d", a, b, c, k)
                .isEqualTo(a.multiply(b).add(c).divide(d));
        assertThat(WordQuotient.floor(a, b, k)).as("⌊%s × %s / 10^%d⌋", a, b, k).isEqualTo(a.multiply(b).divide(d));
        if (a.multiply(b).signum() >= 0) {
            assertThat(WordQuotient.ceil(a, b, k)).as("⌈%s × %s / 10^%d⌉", a, b, k).isEqualTo(Rounding.ceilDiv(a.multiply(b), d));
        }
    }

    @Test
    void halfUpDivisionAndLongDivisionEqualBigIntegers() {
        Random random = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            BigInteger a = WideMathTest.operand(random, 130);
            BigInteger b = random.nextBoolean() ? WadRayMath.WAD : WideMathTest.operand(random, 130);
            BigInteger d = WideMathTest.operand(random, 66).add(BigInteger.ONE);
            assertThat(WordQuotient.halfUp(a, b, d)).as("(%s × %s + %s / 2) / %s", a, b, d, d).isEqualTo(a.multiply(b).add(d.shiftRight(1)).divide(d));
            BigInteger n = random.nextBoolean() ? a : a.negate();
            BigInteger m = random.nextBoolean() ? d : d.negate();
            assertThat(WordQuotient.divide(n, m)).as("%s / %s", n, m).isEqualTo(n.divide(m));
        }
        BigInteger min = BigInteger.valueOf(Long.MIN_VALUE);
        BigInteger max = BigInteger.valueOf(Long.MAX_VALUE);
        for (BigInteger n : List.of(min, max, BigInteger.ZERO, BigInteger.ONE, min.add(BigInteger.ONE), max.add(BigInteger.ONE))) {
            for (BigInteger m : List.of(BigInteger.ONE, BigInteger.valueOf(-1), min, max, BigInteger.valueOf(7))) {
                assertThat(WordQuotient.divide(n, m)).as("%s / %s", n, m).isEqualTo(n.divide(m));
            }
        }
        assertThat(WordQuotient.halfUp(TWO_128.subtract(BigInteger.ONE), TWO_128.subtract(BigInteger.ONE), BigInteger.ONE))
                .isEqualTo(TWO_128.subtract(BigInteger.ONE).pow(2));
    }

    @Test
    void theWadRayMathOperationsKeepTheirRounding() {
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            BigInteger a = WideMathTest.operand(random, 130);
            BigInteger b = WideMathTest.operand(random, 130);
            assertThat(WadRayMath.rayMul(a, b)).isEqualTo(a.multiply(b).add(WadRayMath.HALF_RAY).divide(WadRayMath.RAY));
            assertThat(WadRayMath.rayMulFloor(a, b)).isEqualTo(a.multiply(b).divide(WadRayMath.RAY));
            assertThat(WadRayMath.rayMulCeil(a, b)).isEqualTo(Rounding.ceilDiv(a.multiply(b), WadRayMath.RAY));
            BigInteger bps = BigInteger.valueOf(random.nextInt(20_001));
            BigInteger d = WideMathTest.operand(random, 70).add(BigInteger.ONE);
            assertThat(WadRayMath.wadDiv(a, d)).isEqualTo(a.multiply(WadRayMath.WAD).add(d.shiftRight(1)).divide(d));
            assertThat(WadRayMath.percentMul(a, bps)).isEqualTo(Rounding.percentMulHalfUp(a, bps));
        }
    }
}
