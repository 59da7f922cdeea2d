package dev.margincall.chain;

import dev.margincall.chain.abi.Abi;
import dev.margincall.chain.abi.Words;
import dev.margincall.core.Address;
import dev.margincall.core.Hex;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicStruct;

/**
 * Many read calls in one {@code eth_call} through Multicall3's {@code aggregate3}, each allowed to
 * fail on its own. Large lists are split into chunks that any node accepts.
 */
public final class Multicall3 {

    /** The address Multicall3 has on nearly every EVM chain (and on our devnet). */
    public static final Address CANONICAL = Address.of("0xca11bde05977b3631167028862be2a173976ca11");
    static final String AGGREGATE3 = "aggregate3((address,bool,bytes)[])";
    private static final int CHUNK = 300;

    public record Call(Address target, String data) {
    }

    /** One call's outcome: its return data, or its revert data when {@code success} is false. */
    public record Result(boolean success, String returnData) {
    }

    private final EthRpc rpc;
    private final Address address;

    public Multicall3(EthRpc rpc, Address address) {
        this.rpc = rpc;
        this.address = address;
    }

    public List<Result> aggregate3(List<Call> calls, BlockTag tag) {
        List<Result> out = new ArrayList<>(calls.size());
        for (int start = 0; start < calls.size(); start += CHUNK) {
            List<Call> chunk = calls.subList(start, Math.min(calls.size(), start + CHUNK));
            String response = rpc.call(CallRequest.call(address, aggregate3Data(chunk)), tag);
            out.addAll(decodeResults(response));
        }
        return out;
    }

    /** The calldata of {@code aggregate3} with every call allowed to fail (also for a transaction that makes several calls at once). */
    public static String aggregate3Data(List<Call> calls) {
        List<DynamicStruct> encoded = calls.stream()
                .map(c -> new DynamicStruct(Abi.address(c.target()), Abi.bool(true), Abi.bytes(c.data())))
                .toList();
        return Abi.call(AGGREGATE3, new DynamicArray<>(DynamicStruct.class, encoded));
    }

    /**
     * {@link #aggregate3} when every call must succeed: the return data in call order, or a
     * {@link CallRevertedException} for the first call that failed, named by {@code describe} (its index)
     * and carrying its revert data (the reason is decoded into the message).
     */
    public List<String> aggregate3AllSucceeding(List<Call> calls, BlockTag tag, IntFunction<String> describe) {
        return allSucceeded(aggregate3(calls, tag), describe);
    }

    /**
     * Several groups of calls (different kinds of reads, decoded each their own way) in one {@link #aggregate3} round:
     * each group's results, in its order. One round trip instead of one per group.
     */
    public List<List<Result>> aggregate3Groups(List<List<Call>> groups, BlockTag tag) {
        List<Call> all = new ArrayList<>();
        groups.forEach(all::addAll);
        List<Result> results = aggregate3(all, tag);
        List<List<Result>> out = new ArrayList<>(groups.size());
        int from = 0;
        for (List<Call> group : groups) {
            out.add(results.subList(from, from + group.size()));
            from += group.size();
        }
        return out;
    }

    /** The return data of {@code results}, or a {@link CallRevertedException} for the first that failed, named by {@code describe}. */
    public static List<String> allSucceeded(List<Result> results, IntFunction<String> describe) {
        List<String> out = new ArrayList<>(results.size());
        for (int i = 0; i < results.size(); i++) {
            Result result = results.get(i);
            if (!result.success()) {
                throw new CallRevertedException(describe.apply(i), 3, "reverted", result.returnData());
            }
            out.add(result.returnData());
        }
        return out;
    }

    /** Decodes {@code (bool success, bytes returnData)[]}: offsets are byte offsets within their enclosing part. */
    static List<Result> decodeResults(String data) {
        String digits = Hex.strip(data);
        int arrayStart = Words.uint(data, 0).intValueExact() / 32;         // word index of the array length
        int length = Words.uint(data, arrayStart).intValueExact();
        int headsStart = arrayStart + 1;
        List<Result> results = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            int tupleStart = headsStart + Words.uint(data, headsStart + i).intValueExact() / 32;
            boolean success = Words.bool(data, tupleStart);
            int bytesStart = tupleStart + Words.uint(data, tupleStart + 1).intValueExact() / 32;
            int byteLength = Words.uint(data, bytesStart).intValueExact();
            int from = (bytesStart + 1) * 64;
            results.add(new Result(success, "0x" + digits.substring(from, from + byteLength * 2)));
        }
        return results;
    }
}
