package dev.margincall.protocol.aavev3.model;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.Map;

/**
 * What an account holds, as stored on chain: the user-configuration bitmap (bit 2i borrowing reserve
 * i, bit 2i+1 using it as collateral), its eMode category, and per reserve id its scaled balances.
 */
public record Position(Address account, BigInteger userConfiguration, int eModeCategory, Map<Integer, Balances> balances) {

    /** Scaled aToken and variable-debt balances; stable debt as principal, rate (ray) and last update. */
    public record Balances(BigInteger scaledCollateral, BigInteger scaledVariableDebt,
                           BigInteger stablePrincipal, BigInteger stableRate, long stableLastUpdate) {

        public static final Balances NONE = new Balances(BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, BigInteger.ZERO, 0);
    }

    public Position {
        balances = Map.copyOf(balances);
    }

    public boolean isBorrowing(int reserveId) {
        return userConfiguration.testBit(reserveId * 2);
    }

    public boolean isUsingAsCollateral(int reserveId) {
        return userConfiguration.testBit(reserveId * 2 + 1);
    }

    public boolean isEmpty() {
        return userConfiguration.signum() == 0;
    }

    public Balances balances(int reserveId) {
        return balances.getOrDefault(reserveId, Balances.NONE);
    }
}
