package dev.margincall.protocol.morphoblue;

import static dev.margincall.chain.abi.Abi.address;
import static dev.margincall.chain.abi.Abi.uint;

import dev.margincall.chain.BlockTag;
import dev.margincall.chain.EthRpc;
import dev.margincall.chain.Multicall3;
import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import dev.margincall.protocol.morphoblue.model.MarketState;
import dev.margincall.protocol.morphoblue.model.PositionState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.web3j.abi.datatypes.generated.Bytes32;

/**
 * Batched reads of one Morpho Blue contract at one block, each kind in one Multicall3 round: market params and
 * totals, oracle prices, the IRMs' borrow rates, positions. Every call must succeed: a reverting oracle or IRM
 * is reported by name rather than guessed around.
 */
public final class MorphoBlueReader {

    private final Multicall3 multicall;
    private final Address morpho;

    public MorphoBlueReader(EthRpc rpc, Address multicall3, Address morpho) {
        this.multicall = new Multicall3(rpc, multicall3);
        this.morpho = morpho;
    }

    /** {@code idToMarketParams(id)}: all zero for a market that does not exist. */
    public List<MarketParams> marketParams(List<String> ids, BlockTag tag) {
        List<Multicall3.Call> calls = ids.stream().map(id -> new Multicall3.Call(morpho, Abi.call("idToMarketParams(bytes32)", id(id)))).toList();
        return multicall.aggregate3AllSucceeding(calls, tag, i -> "idToMarketParams(" + ids.get(i) + ")").stream()
                .map(words -> MarketParams.decode(words, 0)).toList();
    }

    /** {@code market(id)}: the stored totals (without the interest since {@code lastUpdate}). */
    public List<MarketState> markets(List<String> ids, BlockTag tag) {
        return decodeMarkets(ids, multicall.aggregate3(marketCalls(ids), tag));
    }

    List<Multicall3.Call> marketCalls(List<String> ids) {
        return ids.stream().map(id -> new Multicall3.Call(morpho, Abi.call("market(bytes32)", id(id)))).toList();
    }

    List<MarketState> decodeMarkets(List<String> ids, List<Multicall3.Result> results) {
        return Multicall3.allSucceeded(results, i -> "market(" + ids.get(i) + ")").stream()
                .map(w -> new MarketState(Words.uint(w, 0), Words.uint(w, 1), Words.uint(w, 2), Words.uint(w, 3), Words.uint(w, 4).longValueExact(),
                        Words.uint(w, 5)))
                .toList();
    }

    /** Each oracle's {@code price()}. */
    public List<BigInteger> prices(List<Address> oracles, BlockTag tag) {
        return decodePrices(oracles, multicall.aggregate3(priceCalls(oracles), tag));
    }

    List<Multicall3.Call> priceCalls(List<Address> oracles) {
        return oracles.stream().map(o -> new Multicall3.Call(o, Abi.call("price()"))).toList();
    }

    List<BigInteger> decodePrices(List<Address> oracles, List<Multicall3.Result> results) {
        return Multicall3.allSucceeded(results, i -> "price() of the oracle " + oracles.get(i)).stream().map(Abi::decodeUint).toList();
    }

    /**
     * {@code IIrm.borrowRateView(marketParams, market)} on the stored totals: the rate the next accrual uses (for a
     * stateless IRM; a stateful one answers for the block read). Null for a market without IRM (address zero).
     */
    public List<BigInteger> borrowRates(List<MarketParams> params, List<MarketState> states, BlockTag tag) {
        return decodeRates(params, multicall.aggregate3(rateCalls(params, states), tag));
    }

    /** One call per market with an IRM (address zero: none, no call). */
    List<Multicall3.Call> rateCalls(List<MarketParams> params, List<MarketState> states) {
        List<Multicall3.Call> calls = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            MarketParams p = params.get(i);
            if (p.irm().equals(Address.ZERO)) {
                continue;
            }
            MarketState s = states.get(i);
            calls.add(new Multicall3.Call(p.irm(), Abi.call("borrowRateView(" + MarketParams.TUPLE + ",(uint128,uint128,uint128,uint128,uint128,uint128))",
                    p.with(uint(s.totalSupplyAssets()), uint(s.totalSupplyShares()), uint(s.totalBorrowAssets()), uint(s.totalBorrowShares()),
                            uint(s.lastUpdate()), uint(s.fee())))));
        }
        return calls;
    }

    List<BigInteger> decodeRates(List<MarketParams> params, List<Multicall3.Result> results) {
        List<Integer> withIrm = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (!params.get(i).irm().equals(Address.ZERO)) {
                withIrm.add(i);
            }
        }
        List<String> answers = Multicall3.allSucceeded(results, i -> "borrowRateView of the IRM " + params.get(withIrm.get(i)).irm());
        List<BigInteger> rates = new ArrayList<>(java.util.Collections.nCopies(params.size(), (BigInteger) null));
        for (int k = 0; k < withIrm.size(); k++) {
            rates.set(withIrm.get(k), Abi.decodeUint(answers.get(k)));
        }
        return rates;
    }

    /** {@code position(id, account)} for each (market, account). */
    public List<PositionState> positions(List<MorphoBlueEvents.PositionTouched> keys, BlockTag tag) {
        return decodePositions(keys, multicall.aggregate3(positionCalls(keys), tag));
    }

    List<Multicall3.Call> positionCalls(List<MorphoBlueEvents.PositionTouched> keys) {
        return keys.stream().map(k -> new Multicall3.Call(morpho, Abi.call("position(bytes32,address)", id(k.id()), address(k.account())))).toList();
    }

    List<PositionState> decodePositions(List<MorphoBlueEvents.PositionTouched> keys, List<Multicall3.Result> results) {
        return Multicall3.allSucceeded(results, i -> "position(" + keys.get(i).id() + ", " + keys.get(i).account() + ")").stream()
                .map(w -> new PositionState(Words.uint(w, 0), Words.uint(w, 1), Words.uint(w, 2))).toList();
    }

    /**
     * What one head reads, in two Multicall3 rounds whatever the number of markets: the markets' totals, their oracles'
     * prices and the loan tokens' USD prices (independent of each other), then the IRMs' rates (which take the totals) with
     * the touched positions.
     */
    public record HeadReads(List<MarketState> stored, List<BigInteger> prices, Map<Address, BigInteger> usdPrices, List<BigInteger> rates,
                            List<PositionState> positions) {

        /** The same markets with {@code read} as the positions (a head read without them, and its touched positions read apart). */
        public HeadReads withPositions(List<PositionState> read) {
            return new HeadReads(stored, prices, usdPrices, rates, read);
        }
    }

    public HeadReads head(List<MarketParams> params, List<String> ids, List<Address> loanTokens, UsdPrices usd,
                          List<MorphoBlueEvents.PositionTouched> touched, BlockTag tag) {
        List<Address> oracles = params.stream().map(MarketParams::oracle).toList();
        List<List<Multicall3.Result>> first = multicall.aggregate3Groups(List.of(marketCalls(ids), priceCalls(oracles), usd.priceCalls(loanTokens)), tag);
        List<MarketState> stored = decodeMarkets(ids, first.get(0));
        List<List<Multicall3.Result>> second = multicall.aggregate3Groups(List.of(rateCalls(params, stored), positionCalls(touched)), tag);
        return new HeadReads(stored, decodePrices(oracles, first.get(1)), usd.decodePrices(loanTokens, first.get(2)), decodeRates(params, second.get(0)),
                decodePositions(touched, second.get(1)));
    }

    private static Bytes32 id(String id) {
        return new Bytes32(Hex.bytes(id));
    }
}
