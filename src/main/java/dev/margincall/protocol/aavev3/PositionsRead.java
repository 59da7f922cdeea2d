package dev.margincall.protocol.aavev3;

import static dev.margincall.chain.abi.Abi.address;

import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.protocol.aavev3.model.Market;
import dev.margincall.protocol.aavev3.model.Position;
import dev.margincall.protocol.aavev3.model.Reserve;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reading accounts' positions at one block: each account's configuration and eMode, then the balances its configuration
 * flags (an aToken balance per collateral bit, debt balances per borrowing bit), then stable-debt details where there is
 * stable debt. Given a guess of each configuration (the last one known), the balances it flags are asked in the first
 * request beside the configurations, so an account whose configuration did not gain a bit costs no second request; a
 * balance the configuration flags and the guess missed is read in a second one, and one guessed but no longer flagged is
 * dropped. The same calls at the same block as without a guess: the same positions.
 */
final class PositionsRead {

    /** Reads calls at the block being read, in order, each required to succeed. */
    interface Reads {
        List<String> read(List<Multicall3.Call> calls, String what);
    }

    /** One balance of one account: {@code kind} 0 scaled collateral, 1 scaled variable debt, 2 stable principal, 3 its rate, 4 its last update. */
    private record Key(int account, int reserve, int kind) {
    }

    private final List<Address> accounts;
    private final List<Multicall3.Call> first = new ArrayList<>();
    private final List<Key> guessed = new ArrayList<>();

    /**
     * @param market the market the guesses' reserve ids refer to
     * @param guess  an account's last known configuration, or null when none is known (a new account)
     */
    PositionsRead(AaveV3Contracts contracts, Market market, List<Address> accounts, Function<Address, BigInteger> guess) {
        this.accounts = List.copyOf(accounts);
        for (Address account : this.accounts) {
            first.add(new Multicall3.Call(contracts.pool(), Abi.call("getUserConfiguration(address)", address(account))));
            first.add(new Multicall3.Call(contracts.pool(), Abi.call("getUserEMode(address)", address(account))));
        }
        for (int a = 0; a < accounts.size(); a++) {
            BigInteger configuration = guess.apply(accounts.get(a));
            if (configuration != null) {
                balanceCalls(market, a, configuration, first, guessed);
            }
        }
    }

    /** The first request's calls: configurations and eModes, then the guessed balances. */
    List<Multicall3.Call> firstCalls() {
        return first;
    }

    /**
     * The positions from the first request's answers (in {@link #firstCalls}' order) and whatever further requests the
     * configurations read need, in the order of the accounts.
     *
     * @param market        the market at the block read
     * @param guessesHold   false when the market's reserves changed since the guesses' market (a reserve id may name
     *                      another reserve now): guessed balances are then read again
     */
    List<Position> finish(List<String> firstAnswers, Market market, boolean guessesHold, Reads reads) {
        int n = accounts.size();
        BigInteger[] configurations = new BigInteger[n];
        int[] eModes = new int[n];
        for (int a = 0; a < n; a++) {
            configurations[a] = Words.uint(firstAnswers.get(2 * a), 0);
            eModes[a] = Words.uint(firstAnswers.get(2 * a + 1), 0).intValueExact();
        }
        Map<Key, BigInteger> values = new HashMap<>();
        if (guessesHold) {
            for (int i = 0; i < guessed.size(); i++) {
                values.put(guessed.get(i), Words.uint(firstAnswers.get(2 * n + i), 0));
            }
        }
        List<Multicall3.Call> flagged = new ArrayList<>();
        List<Key> flaggedKeys = new ArrayList<>();
        for (int a = 0; a < n; a++) {
            balanceCalls(market, a, configurations[a], flagged, flaggedKeys);
        }
        List<Multicall3.Call> missing = new ArrayList<>();
        List<Key> missingKeys = new ArrayList<>();
        for (int i = 0; i < flagged.size(); i++) {
            if (!values.containsKey(flaggedKeys.get(i))) {
                missing.add(flagged.get(i));
                missingKeys.add(flaggedKeys.get(i));
            }
        }
        store(missingKeys, missing.isEmpty() ? List.of() : reads.read(missing, "user balances"), values);
        List<Multicall3.Call> stable = new ArrayList<>();
        List<Key> stableKeys = new ArrayList<>();
        for (Key key : flaggedKeys) {
            if (key.kind() == 2 && values.get(key).signum() > 0) {
                Reserve reserve = market.reservesById().get(key.reserve());
                var account = address(accounts.get(key.account()));
                stable.add(new Multicall3.Call(reserve.stableDebtToken(), Abi.call("getUserStableRate(address)", account)));
                stableKeys.add(new Key(key.account(), key.reserve(), 3));
                stable.add(new Multicall3.Call(reserve.stableDebtToken(), Abi.call("getUserLastUpdated(address)", account)));
                stableKeys.add(new Key(key.account(), key.reserve(), 4));
            }
        }
        store(stableKeys, stable.isEmpty() ? List.of() : reads.read(stable, "stable debt"), values);
        List<Map<Integer, BigInteger[]>> slots = new ArrayList<>(n);
        accounts.forEach(a -> slots.add(new HashMap<>()));
        for (Key key : flaggedKeys) {
            BigInteger[] reserveSlots = slots.get(key.account()).computeIfAbsent(key.reserve(), id -> zeros());
            reserveSlots[key.kind()] = values.get(key);
            if (key.kind() == 2 && values.get(key).signum() > 0) {
                reserveSlots[3] = values.get(new Key(key.account(), key.reserve(), 3));
                reserveSlots[4] = values.get(new Key(key.account(), key.reserve(), 4));
            }
        }
        List<Position> out = new ArrayList<>(n);
        for (int a = 0; a < n; a++) {
            Map<Integer, Position.Balances> byReserve = new HashMap<>();
            slots.get(a).forEach((id, s) -> byReserve.put(id, new Position.Balances(s[0], s[1], s[2], s[3], s[4].longValueExact())));
            out.add(new Position(accounts.get(a), configurations[a], eModes[a], byReserve));
        }
        return out;
    }

    /** The balance calls {@code configuration} flags for the {@code a}-th account, appended to {@code calls} with their keys. */
    private void balanceCalls(Market market, int a, BigInteger configuration, List<Multicall3.Call> calls, List<Key> keys) {
        var account = address(accounts.get(a));
        for (Reserve reserve : market.reservesById()) {
            if (reserve == null) {
                continue;
            }
            if (configuration.testBit(reserve.id() * 2 + 1)) {
                calls.add(new Multicall3.Call(reserve.aToken(), Abi.call("scaledBalanceOf(address)", account)));
                keys.add(new Key(a, reserve.id(), 0));
            }
            if (configuration.testBit(reserve.id() * 2)) {
                calls.add(new Multicall3.Call(reserve.variableDebtToken(), Abi.call("scaledBalanceOf(address)", account)));
                keys.add(new Key(a, reserve.id(), 1));
                if (!reserve.stableDebtToken().isZero()) { // no stable debt since 3.2: the address is zero
                    calls.add(new Multicall3.Call(reserve.stableDebtToken(), Abi.call("principalBalanceOf(address)", account)));
                    keys.add(new Key(a, reserve.id(), 2));
                }
            }
        }
    }

    private static void store(List<Key> keys, List<String> answers, Map<Key, BigInteger> values) {
        for (int i = 0; i < keys.size(); i++) {
            values.put(keys.get(i), Words.uint(answers.get(i), 0));
        }
    }

    private static BigInteger[] zeros() {
        BigInteger[] slots = new BigInteger[5];
        Arrays.fill(slots, BigInteger.ZERO);
        return slots;
    }
}
