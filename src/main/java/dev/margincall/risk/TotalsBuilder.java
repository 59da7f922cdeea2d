package dev.margincall.risk;

import dev.margincall.protocol.spi.AccountExposure;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sums a set of accounts' figures, then turns them into {@link Totals} (USD for display, units by symbol). */
final class TotalsBuilder {

    int accounts;
    BigInteger debt = BigInteger.ZERO;
    BigInteger collateral = BigInteger.ZERO;
    BigInteger repayable = BigInteger.ZERO;
    BigInteger bonus = BigInteger.ZERO;
    int badDebtAccounts;
    BigInteger badDebt = BigInteger.ZERO;
    final BigInteger[] collateralUnits;
    final BigInteger[] debtUnits;

    TotalsBuilder(int assets) {
        collateralUnits = new BigInteger[assets];
        debtUnits = new BigInteger[assets];
        java.util.Arrays.fill(collateralUnits, BigInteger.ZERO);
        java.util.Arrays.fill(debtUnits, BigInteger.ZERO);
    }

    /** One account's token units (they do not depend on prices). */
    void addUnits(AccountExposure exposure) {
        for (AccountExposure.Line line : exposure.lines()) {
            collateralUnits[line.asset()] = collateralUnits[line.asset()].add(line.collateralUnits());
            debtUnits[line.asset()] = debtUnits[line.asset()].add(line.debtUnits());
        }
    }

    void removeUnits(AccountExposure exposure) {
        for (AccountExposure.Line line : exposure.lines()) {
            collateralUnits[line.asset()] = collateralUnits[line.asset()].subtract(line.collateralUnits());
            debtUnits[line.asset()] = debtUnits[line.asset()].subtract(line.debtUnits());
        }
    }

    /** Takes back {@link #addLiquidation}'s count, repayable debt and bonus (debt and collateral are summed apart). */
    void removeLiquidation(AccountFigures figures) {
        accounts--;
        repayable = repayable.subtract(figures.repayable());
        bonus = bonus.subtract(figures.bonus());
    }

    void addLiquidation(AccountFigures figures) {
        accounts++;
        debt = debt.add(figures.debt());
        collateral = collateral.add(figures.collateral());
        repayable = repayable.add(figures.repayable());
        bonus = bonus.add(figures.bonus());
        if (figures.uncovered().signum() > 0) {
            badDebtAccounts++;
            badDebt = badDebt.add(figures.uncovered());
        }
    }

    TotalsBuilder copy() {
        TotalsBuilder copy = new TotalsBuilder(collateralUnits.length);
        copy.accounts = accounts;
        copy.debt = debt;
        copy.collateral = collateral;
        copy.repayable = repayable;
        copy.bonus = bonus;
        copy.badDebtAccounts = badDebtAccounts;
        copy.badDebt = badDebt;
        System.arraycopy(collateralUnits, 0, copy.collateralUnits, 0, collateralUnits.length);
        System.arraycopy(debtUnits, 0, copy.debtUnits, 0, debtUnits.length);
        return copy;
    }

    Totals build(Valuation valuation, List<String> symbols) {
        return new Totals(accounts, debt, usd(valuation, debt), collateral, usd(valuation, collateral), repayable, usd(valuation, repayable),
                bonus, usd(valuation, bonus), badDebtAccounts, badDebt, usd(valuation, badDebt), bySymbol(collateralUnits, symbols),
                bySymbol(debtUnits, symbols));
    }

    static double usd(Valuation valuation, BigInteger value) {
        return valuation.usd(value).doubleValue();
    }

    private static Map<String, BigInteger> bySymbol(BigInteger[] units, List<String> symbols) {
        Map<String, BigInteger> out = new LinkedHashMap<>();
        for (int a = 0; a < units.length; a++) {
            if (units[a].signum() != 0) {
                out.put(symbols.get(a), units[a]);
            }
        }
        return out;
    }
}
