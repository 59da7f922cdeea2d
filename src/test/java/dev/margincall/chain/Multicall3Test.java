package dev.margincall.chain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.chain.abi.Abi;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.web3j.abi.datatypes.Bool;
import org.web3j.abi.datatypes.DynamicArray;
import org.web3j.abi.datatypes.DynamicBytes;
import org.web3j.abi.datatypes.DynamicStruct;

/** Our hand-written decoder of aggregate3's {@code (bool,bytes)[]} against web3j's encoder. */
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
    void usesTheCanonicalSelector() {
        assertThat(Abi.selector(Multicall3.AGGREGATE3)).isEqualTo("0x82ad56cb");
        assertThat(new DynamicBytes(new byte[0]).getValue()).isEmpty();
    }
}
