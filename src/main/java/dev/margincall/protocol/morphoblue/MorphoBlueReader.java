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
        List<Multicall3.Call> calls = ids.stream().map(id -> new Multicall3.Call(morpho, Abi.call("market(bytes32)", id(id)))).toList();
        return multicall.aggregate3AllSucceeding(calls, tag, i -> "market(" + ids.get(i) + ")").stream()
                .map(w -> new MarketState(Words.uint(w, 0), Words.uint(w, 1), Words.uint(w, 2), Words.uint(w, 3), Words.uint(w, 4).longValueExact(),
                        Words.uint(w, 5)))
                .toList();
    }

    /** Each oracle's {@code price()}. */
    public List<BigInteger> prices(List<Address> oracles, BlockTag tag) {
        List<Multicall3.Call> calls = oracles.stream().map(o -> new Multicall3.Call(o, Abi.call("price()"))).toList();
        return multicall.aggregate3AllSucceeding(calls, tag, i -> "price() of the oracle " + oracles.get(i)).stream().map(Abi::decodeUint).toList();
    }

    /**
     * {@code IIrm.borrowRateView(marketParams, market)} on the stored totals: the rate the next accrual uses (for a
     * stateless IRM; a stateful one answers for the block read). Null for a market without IRM (address zero).
     */
    public List<BigInteger> borrowRates(List<MarketParams> params, List<MarketState> states, BlockTag tag) {
        List<Integer> withIrm = new ArrayList<>();
        List<Multicall3.Call> calls = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            MarketParams p = params.get(i);
            if (p.irm().equals(Address.ZERO)) {
                continue;
            }
            MarketState s = states.get(i);
            withIrm.add(i);
            calls.add(new Multicall3.Call(p.irm(), Abi.call("borrowRateView(" + MarketParams.TUPLE + ",(uint128,uint128,uint128,uint128,uint128,uint128))",
                    p.with(uint(s.totalSupplyAssets()), uint(s.totalSupplyShares()), uint(s.totalBorrowAssets()), uint(s.totalBorrowShares()),
                            uint(s.lastUpdate()), uint(s.fee())))));
        }
        List<String> answers = multicall.aggregate3AllSucceeding(calls, tag, i -> "borrowRateView of the IRM " + params.get(withIrm.get(i)).irm());
        List<BigInteger> rates = new ArrayList<>(java.util.Collections.nCopies(params.size(), (BigInteger) null));
        for (int k = 0; k < withIrm.size(); k++) {
            rates.set(withIrm.get(k), Abi.decodeUint(answers.get(k)));
        }
        return rates;
    }

    /** {@code position(id, account)} for each (market, account). */
    public List<PositionState> positions(List<MorphoBlueEvents.PositionTouched> keys, BlockTag tag) {
        List<Multicall3.Call> calls = keys.stream()
                .map(k -> new Multicall3.Call(morpho, Abi.call("position(bytes32,address)", id(k.id()), address(k.account())))).toList();
        return multicall.aggregate3AllSucceeding(calls, tag, i -> "position(" + keys.get(i).id() + ", " + keys.get(i).account() + ")").stream()
                .map(w -> new PositionState(Words.uint(w, 0), Words.uint(w, 1), Words.uint(w, 2))).toList();
    }

    private static Bytes32 id(String id) {
        return new Bytes32(Hex.bytes(id));
    }
}
