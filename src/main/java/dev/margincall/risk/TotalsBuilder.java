package dev.margincall.risk;

import dev.margincall.protocol.spi.AccountExposure;
import dev.margincall.protocol.spi.Valuation;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sums a set of accounts' figures ({@link ExactSum}s), then turns them into {@link Totals} (USD for display, units by symbol). */
final class TotalsBuilder {

    int accounts;
    final ExactSum debt = new ExactSum();
    final ExactSum collateral = new ExactSum();
    final ExactSum repayable = new ExactSum();
    final ExactSum bonus = new ExactSum();
    int badDebtAccounts;
    final ExactSum badDebt = new ExactSum();
    final ExactSum[] collateralUnits;
    final ExactSum[] debtUnits;

    TotalsBuilder(int assets) {
        collateralUnits = new ExactSum[assets];
        debtUnits = new ExactSum[assets];
        for (int a = 0; a < assets; a++) {
            collateralUnits[a] = new ExactSum();
            debtUnits[a] = new ExactSum();
        }
    }

    private TotalsBuilder(TotalsBuilder from) {
        accounts = from.accounts;
        debt.set(from.debt.value());
        collateral.set(from.collateral.value());
        repayable.set(from.repayable.value());
        bonus.set(from.bonus.value());
        badDebtAccounts = from.badDebtAccounts;
        badDebt.set(from.badDebt.value());
        collateralUnits = new ExactSum[from.collateralUnits.length];
        debtUnits = new ExactSum[from.debtUnits.length];
        for (int a = 0; a < collateralUnits.length; a++) {
            collateralUnits[a] = from.collateralUnits[a].copy();
            debtUnits[a] = from.debtUnits[a].copy();
        }
    }

    /** One account's token units (they do not depend on prices). */
    void addUnits(AccountExposure exposure) {
        for (AccountExposure.Line line : exposure.lines()) {
            collateralUnits[line.asset()].add(line.collateralUnits());
            debtUnits[line.asset()].add(line.debtUnits());
        }
    }

    void removeUnits(AccountExposure exposure) {
        for (AccountExposure.Line line : exposure.lines()) {
            collateralUnits[line.asset()].subtract(line.collateralUnits());
            debtUnits[line.asset()].subtract(line.debtUnits());
        }
    }

    /** Takes back {@link #addLiquidation}'s count, repayable debt and bonus (debt and collateral are summed apart). */
    void removeLiquidation(AccountFigures figures) {
        accounts--;
        repayable.subtract(figures.repayable());
        bonus.subtract(figures.bonus());
    }

    void addLiquidation(AccountFigures figures) {
        accounts++;
        debt.add(figures.debt());
        collateral.add(figures.collateral());
        repayable.add(figures.repayable());
        bonus.add(figures.bonus());
        if (figures.uncovered().signum() > 0) {
            badDebtAccounts++;
            badDebt.add(figures.uncovered());
        }
    }

    TotalsBuilder copy() {
        return new TotalsBuilder(this);
    }

    Totals build(Valuation valuation, List<String> symbols) {
        BigInteger debtValue = debt.value();
        BigInteger collateralValue = collateral.value();
        BigInteger repayableValue = repayable.value();
        BigInteger bonusValue = bonus.value();
        BigInteger badDebtValue = badDebt.value();
        return new Totals(accounts, debtValue, usd(valuation, debtValue), collateralValue, usd(valuation, collateralValue), repayableValue,
                usd(valuation, repayableValue), bonusValue, usd(valuation, bonusValue), badDebtAccounts, badDebtValue, usd(valuation, badDebtValue),
                bySymbol(collateralUnits, symbols), bySymbol(debtUnits, symbols));
    }

    static double usd(Valuation valuation, BigInteger value) {
        return valuation.usd(value).doubleValue();
    }

    private static Map<String, BigInteger> bySymbol(ExactSum[] units, List<String> symbols) {
        Map<String, BigInteger> out = new LinkedHashMap<>();
        for (int a = 0; a < units.length; a++) {
            BigInteger total = units[a].value();
            if (total.signum() != 0) {
                out.put(symbols.get(a), total);
            }
        }
        return out;
    }
}
