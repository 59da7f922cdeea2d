package dev.margincall.chain.abi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RevertReasonTest {

    @Test
    void decodesAnAaveErrorString() {
        String data = Abi.call("Error(string)", Abi.string("45"));
        assertThat(data).startsWith(RevertReason.ERROR_SELECTOR);
        assertThat(RevertReason.decode(data)).isEqualTo("45");
        assertThat(RevertReason.aaveErrorCode(data)).isEqualTo("45");
    }

    @Test
    void decodesAPanic() {
        assertThat(RevertReason.decode(Abi.call("Panic(uint256)", Abi.uint(0x11)))).isEqualTo("panic 0x11");
    }

    @Test
    void namesTheSelectorOfACustomError() {
        String data = Abi.call("CallFailed(uint256)", Abi.uint(3));
        assertThat(RevertReason.decode(data)).startsWith("custom error " + Abi.selector("CallFailed(uint256)"));
        assertThat(RevertReason.aaveErrorCode(data)).isNull();
    }

    @Test
    void copesWithEmptyAndMalformedData() {
        assertThat(RevertReason.decode(null)).isEqualTo("reverted without a reason");
        assertThat(RevertReason.decode("0x")).isEqualTo("reverted without a reason");
        assertThat(RevertReason.decode(RevertReason.ERROR_SELECTOR + "00")).startsWith("malformed revert data");
    }

    @Test
    void selectorsAndTopicsAreKeccakOfTheSignature() {
        assertThat(Abi.selector("transfer(address,uint256)")).isEqualTo("0xa9059cbb");
        assertThat(Abi.topic("Transfer(address,address,uint256)"))
                .isEqualTo("0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
    }
}
