package dev.margincall.protocol.aavev3.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link WideMath} against BigInteger on random and edge operands (word boundaries, all ones, zero). */
class WideMathTest {

    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);

    @Test
    void mulAddDivIsExactForEveryOperandWidthAndDivisor() {
        Random random = new Random(7);
        WideMath math = new WideMath();
        Divisor variable = new Divisor();
        int checked = 0;
        for (int i = 0; i < 300_000; i++) {
            BigInteger a = operand(random, 128);
            BigInteger b = operand(random, 128);
            BigInteger c = operand(random, 128);
            Divisor divisor;
            BigInteger d;
            if (random.nextBoolean()) {
                int k = random.nextInt(Divisor.MAX_POWER_OF_TEN + 1);
                divisor = Divisor.powerOfTen(k);
                d = BigInteger.TEN.pow(k);
            } else {
                int shift = random.nextInt(64);
                BigInteger m = operand(random, 64);
                if (m.signum() == 0) {
                    m = BigInteger.ONE;
                }
                variable.set(shift, m.longValue());
                divisor = variable;
                d = m.shiftLeft(shift);
            }
            BigInteger expected = a.multiply(b).add(c).divide(d);
            boolean fits = math.mulAddDiv(WideMath.high(a), WideMath.low(a), WideMath.high(b), WideMath.low(b), WideMath.high(c), WideMath.low(c), divisor);
            assertThat(fits).as("fits: (%s * %s + %s) / %s", a, b, c, d).isEqualTo(expected.compareTo(TWO_128) < 0);
            if (fits) {
                assertThat(WideMath.toBigInteger(math.hi, math.lo)).as("(%s * %s + %s) / %s", a, b, c, d).isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100_000);
    }

    @Test
    void divideNormalizedIsExact() {
        Random random = new Random(8);
        for (int i = 0; i < 300_000; i++) {
            BigInteger v = operand(random, 64).setBit(63);
            BigInteger u1 = operand(random, 64).mod(v);
            BigInteger u0 = operand(random, 64);
            BigInteger expected = u1.shiftLeft(64).add(u0).divide(v);
            long q = WideMath.divideNormalized(u1.longValue(), u0.longValue(), v.longValue());
            assertThat(WideMath.toBigInteger(0, q)).as("%s:%s / %s", u1, u0, v).isEqualTo(expected);
        }
    }

    @Test
    void divideIsExactWhenTheQuotientFitsAWordAndDeclinesOtherwise() {
        Random random = new Random(9);
        WideMath math = new WideMath();
        for (int i = 0; i < 300_000; i++) {
            BigInteger d = operand(random, 64).max(BigInteger.ONE);
            BigInteger hi = operand(random, 64);
            BigInteger lo = operand(random, 64);
            boolean fits = math.divide(hi.longValue(), lo.longValue(), d.longValue());
            assertThat(fits).isEqualTo(hi.compareTo(d) < 0);
            if (fits) {
                assertThat(WideMath.toBigInteger(math.hi, math.lo)).as("%s:%s / %s", hi, lo, d).isEqualTo(hi.shiftLeft(64).add(lo).divide(d));
            }
        }
    }

    @Test
    void mulDivDivIsExactAndDeclinesAQuotientOver128Bits() {
        Random random = new Random(10);
        WideMath math = new WideMath();
        int checked = 0;
        for (int i = 0; i < 300_000; i++) {
            int k = random.nextInt(Divisor.MAX_POWER_OF_TEN + 1); // the scale first: a, p, s and q are drawn after it
            BigInteger a = operand(random, 128);
            BigInteger p = operand(random, 63);
            BigInteger s = operand(random, 63);
            BigInteger q = operand(random, 63).max(BigInteger.ONE);
            BigInteger scaled = a.multiply(p).multiply(s).divide(BigInteger.TEN.pow(k));
            boolean fits = math.mulDivDiv(WideMath.high(a), WideMath.low(a), p.longValue(), s.longValue(), Divisor.powerOfTen(k), q.longValue());
            assertThat(fits).as("fits: %s * %s * %s / 10^%d", a, p, s, k).isEqualTo(scaled.compareTo(TWO_128) < 0);
            if (fits) {
                assertThat(WideMath.toBigInteger(math.hi, math.lo)).as("%s * %s * %s / (10^%d * %s)", a, p, s, k, q)
                        .isEqualTo(a.multiply(p).multiply(s).divide(BigInteger.TEN.pow(k).multiply(q)));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100_000);
        assertThat(math.mulDivDiv(0, 1, 1, 1, Divisor.powerOfTen(0), 0)).as("a zero divisor is declined").isFalse();
    }

    @Test
    void subtractBorrowsAcrossTheWords() {
        Random random = new Random(12);
        WideMath math = new WideMath();
        for (int i = 0; i < 300_000; i++) {
            BigInteger a = operand(random, 128);
            BigInteger b = operand(random, 128);
            BigInteger larger = a.max(b);
            BigInteger smaller = a.min(b);
            math.subtract(WideMath.high(larger), WideMath.low(larger), WideMath.high(smaller), WideMath.low(smaller));
            assertThat(WideMath.toBigInteger(math.hi, math.lo)).as("%s - %s", larger, smaller).isEqualTo(larger.subtract(smaller));
        }
    }

    @Test
    void toBigIntegerReadsBothWordsUnsigned() {
        assertThat(WideMath.toBigInteger(-1, -1)).isEqualTo(TWO_128.subtract(BigInteger.ONE));
        assertThat(WideMath.toBigInteger(1, 0)).isEqualTo(BigInteger.ONE.shiftLeft(64));
        assertThat(WideMath.toBigInteger(0, Long.MIN_VALUE)).isEqualTo(BigInteger.ONE.shiftLeft(63));
    }

    /** 0..2^bits − 1, biased to the edges where carries and corrections happen: zero, all ones, powers of two ± 1, any width. */
    static BigInteger operand(Random random, int bits) {
        int width = random.nextInt(bits + 1);
        return switch (random.nextInt(6)) {
            case 0 -> BigInteger.ZERO;
            case 1 -> BigInteger.ONE.shiftLeft(width).subtract(BigInteger.ONE);
            case 2 -> BigInteger.ONE.shiftLeft(Math.min(width, bits - 1)).add(BigInteger.valueOf(random.nextInt(3) - 1)).max(BigInteger.ZERO);
            default -> new BigInteger(width, random);
        };
    }
}
