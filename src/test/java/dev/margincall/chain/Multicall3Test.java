package dev.margincall.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.margincall.chain.abi.Abi;
import java.lang.reflect.Proxy;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;
import org.web3j.abi.datatypes.Utf8String;

/** Our hand-written decoder of aggregate3's {@code (bool,bytes)[]} against web3j's encoder; per-call failures. */
class Multicall3Test {

    @Test
    void decodesWhatTheAbiEncoderEncodes() {
        List<Multicall3.Result> expected = List.of(
                new Multicall3.Result(true, "0x" + "ab".repeat(32 * 6)),
                new Multicall3.Result(false, "0x08c379a0"),
                new Multicall3.Result(true, "0x"),
                new Multicall3.Result(true, "0x01"));
        List<DynamicStruct> structs = expected.stream()
                .map(r -> new DynamicStruct(new Bool(r.success()), Abi.bytes(r.returnData())))
                .toList();
        String encoded = "0x" + Abi.encodeArguments(new DynamicArray<>(DynamicStruct.class, structs));
        assertThat(Multicall3.decodeResults(encoded)).isEqualTo(expected);
    }

    @Test
    void decodesAnEmptyResultList() {
        String encoded = "0x" + Abi.encodeArguments(new DynamicArray<>(DynamicStruct.class, List.of()));
        assertThat(Multicall3.decodeResults(encoded)).isEmpty();
    }

    @Test
    void allSucceedingReturnsTheDataInOrderOrNamesTheFirstFailedCallWithItsReason() {
        String revert = "0x08c379a0" + Abi.encodeArguments(new Utf8String("nope"));
        List<Multicall3.Call> calls = List.of(new Multicall3.Call(Multicall3.CANONICAL, "0x01"), new Multicall3.Call(Multicall3.CANONICAL, "0x02"));
        Multicall3 ok = new Multicall3(answering(List.of(new Multicall3.Result(true, "0xaa"), new Multicall3.Result(true, "0xbb"))), Multicall3.CANONICAL);
        assertThat(ok.aggregate3AllSucceeding(calls, BlockTag.LATEST, i -> "call " + i)).containsExactly("0xaa", "0xbb");
        Multicall3 failing = new Multicall3(answering(List.of(new Multicall3.Result(true, "0xaa"), new Multicall3.Result(false, revert))),
                Multicall3.CANONICAL);
        assertThatThrownBy(() -> failing.aggregate3AllSucceeding(calls, BlockTag.LATEST, i -> "call " + i))
                .isInstanceOf(CallRevertedException.class).hasMessageContaining("call 1").hasMessageContaining("nope");
    }

    /** An EthRpc whose eth_call answers aggregate3 with these results. */
    static EthRpc answering(List<Multicall3.Result> results) {
        List<DynamicStruct> structs = results.stream().map(r -> new DynamicStruct(new Bool(r.success()), Abi.bytes(r.returnData()))).toList();
        String encoded = "0x" + Abi.encodeArguments(new DynamicArray<>(DynamicStruct.class, structs));
        return (EthRpc) Proxy.newProxyInstance(EthRpc.class.getClassLoader(), new Class<?>[] {EthRpc.class}, (proxy, method, args) -> switch (method.getName()) {
            case "call" -> encoded;
            case "endpointName" -> "fake://rpc";
            default -> throw new UnsupportedOperationException(method.getName());
        });
    }

    @Test
    void usesTheCanonicalSelector() {
        assertThat(Abi.selector(Multicall3.AGGREGATE3)).isEqualTo("0x82ad56cb");
        assertThat(new DynamicBytes(new byte[0]).getValue()).isEmpty();
    }
}
