package dev.margincall.risk;

import dev.margincall.core.Rounding;
import dev.margincall.protocol.spi.AccountExposure;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The exact total debt of a changing set of accounts that owe falling assets, at each step's prices,
 * without a BigInteger product per account and step. A line's value is ⌊u·P/U⌋ (units u, price P,
 * U = 10^decimals; ⌈u·P/U⌉ where the protocol rounds debt up, the same with ⌈⌉); with u = a·U + b it is a·P + ⌊b·P/U⌋, so the whole-token parts sum once per asset
 * and only the remainders (b &lt; U) are multiplied per account, in long arithmetic (exact: see
 * {@link Rounding#floorMulDiv}). Lines a long cannot hold (decimals above 18, prices above 2^53) go the BigInteger way.
 */
final class MovingDebt {

    private static final BigInteger LONG_LIMIT = BigInteger.valueOf(Long.MAX_VALUE);
    /** Results of {@link Rounding#floorMulDiv} stay below 2^53 when prices do, so a double is within one of the quotient. */
    private static final BigInteger PRICE_LIMIT = BigInteger.ONE.shiftLeft(53);

    private final ExposureTable table;
    private final boolean[] falls;
    private final BigInteger[] wholeTokens;
    private final long[][] remainders;
    private final int[][] owners;
    private final int[] counts;
    private final boolean[] active;
    private final List<Integer> wide = new ArrayList<>();
    private BigInteger fixed = BigInteger.ZERO;

    MovingDebt(ExposureTable table, boolean[] falls) {
        this.table = table;
        this.falls = falls;
        int assets = table.unit.length;
        wholeTokens = new BigInteger[assets];
        Arrays.fill(wholeTokens, BigInteger.ZERO);
        remainders = new long[assets][16];
        owners = new int[assets][16];
        counts = new int[assets];
        active = new boolean[table.size()];
    }

    /** Whether a line of this asset fits the long path. */
    private boolean narrow(int asset) {
        return table.unit[asset].compareTo(LONG_LIMIT) <= 0 && table.snapshot.assets().get(asset).price().compareTo(PRICE_LIMIT) < 0;
    }

    void add(int j) {
        active[j] = true;
        if (!allNarrow(j)) {
            wide.add(j);
            return;
        }
        for (AccountExposure.Line line : table.exposure[j].lines()) {
            int asset = line.asset();
            if (!falls[asset] || line.debtUnits().signum() == 0) {
                fixed = fixed.add(line.debtValue());
                continue;
            }
            BigInteger[] split = line.debtUnits().divideAndRemainder(table.unit[asset]);
            wholeTokens[asset] = wholeTokens[asset].add(split[0]);
            if (counts[asset] == remainders[asset].length) {
                remainders[asset] = Arrays.copyOf(remainders[asset], counts[asset] * 2);
                owners[asset] = Arrays.copyOf(owners[asset], counts[asset] * 2);
            }
            remainders[asset][counts[asset]] = split[1].longValueExact();
            owners[asset][counts[asset]++] = j;
        }
    }

    /** Takes an account out (its remainders stay in the arrays, skipped from now on). */
    void remove(int j) {
        active[j] = false;
        if (!allNarrow(j)) {
            return;
        }
        for (AccountExposure.Line line : table.exposure[j].lines()) {
            int asset = line.asset();
            if (!falls[asset] || line.debtUnits().signum() == 0) {
                fixed = fixed.subtract(line.debtValue());
            } else {
                wholeTokens[asset] = wholeTokens[asset].subtract(line.debtUnits().divide(table.unit[asset]));
            }
        }
    }

    /** The set's total debt with the falling assets at {@code prices} (by asset; null where not falling). */
    BigInteger total(BigInteger[] prices) {
        BigInteger total = fixed;
        for (int asset = 0; asset < counts.length; asset++) {
            if (prices[asset] == null || counts[asset] == 0) {
                continue;
            }
            long price = prices[asset].longValueExact();
            long unit = table.unit[asset].longValueExact();
            boolean up = table.snapshot.debtValueRoundsUp();
            total = total.add(prices[asset].multiply(wholeTokens[asset]));
            long partial = 0;
            long[] b = remainders[asset];
            int[] owner = owners[asset];
            for (int i = 0; i < counts[asset]; i++) {
                if (active[owner[i]]) {
                    partial += mulDiv(b[i], price, unit, up);
                    if (partial > (1L << 62)) {
                        total = total.add(BigInteger.valueOf(partial));
                        partial = 0;
                    }
                }
            }
            total = total.add(BigInteger.valueOf(partial));
        }
        for (int j : wide) {
            if (active[j]) {
                total = total.add(table.debtAt(j, prices));
            }
        }
        return total;
    }

    private boolean allNarrow(int j) {
        for (AccountExposure.Line line : table.exposure[j].lines()) {
            if (falls[line.asset()] && line.debtUnits().signum() != 0 && !narrow(line.asset())) {
                return false;
            }
        }
        return true;
    }

    /** ⌊b·p/u⌋, or ⌈b·p/u⌉ when {@code up} (a protocol that values debt rounding up). */
    static long mulDiv(long b, long p, long u, boolean up) {
        return up ? Rounding.ceilMulDiv(b, p, u) : Rounding.floorMulDiv(b, p, u);
    }
}
