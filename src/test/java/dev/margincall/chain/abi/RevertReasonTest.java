package dev.margincall.chain.abi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.margincall.core.Address;
import java.math.BigInteger;
import java.util.Map;
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
        assertThat(RevertReason.decode(Abi.call("Panic(uint256)", Abi.uint(0x11)))).isEqualTo("panic 0x11 (arithmetic overflow or underflow)");
        assertThat(RevertReason.parse(Abi.call("Panic(uint256)", Abi.uint(0x12)), ErrorCatalog.EMPTY).argument("code")).isEqualTo(BigInteger.valueOf(0x12));
        assertThat(RevertReason.describe(Abi.call("Panic(uint256)", Abi.uint(0x99)), ErrorCatalog.EMPTY)).isEqualTo("panic 0x99");
    }

    private static final ErrorCatalog CATALOG = ErrorCatalog.errorStrings(Map.of("45", "HEALTH_FACTOR_NOT_BELOW_THRESHOLD"))
            .with(ErrorCatalog.customErrors("NotOwner()", "InsufficientProfit(uint256 profit, uint256 minProfit)",
                    "TokenCallFailed(address token)", "Odd(int256 delta, bool flag, bytes32 tag, uint8)", "WithText(string why)"));

    @Test
    void namesAnErrorStringTheCatalogKnowsAndKeepsOthersAsTheyAre() {
        RevertReason.Decoded known = RevertReason.parse(Abi.call("Error(string)", Abi.string("45")), CATALOG);
        assertThat(known.kind()).isEqualTo(RevertReason.Kind.ERROR_STRING);
        assertThat(known.name()).isEqualTo("HEALTH_FACTOR_NOT_BELOW_THRESHOLD");
        assertThat(known.argument("message")).isEqualTo("45");
        assertThat(known.text()).isEqualTo("HEALTH_FACTOR_NOT_BELOW_THRESHOLD (error \"45\")");
        RevertReason.Decoded other = RevertReason.parse(Abi.call("Error(string)", Abi.string("UniswapV2Router: EXPIRED")), CATALOG);
        assertThat(other.name()).isNull();
        assertThat(other.text()).isEqualTo("UniswapV2Router: EXPIRED");
    }

    @Test
    void decodesTheArgumentsOfAKnownCustomError() {
        RevertReason.Decoded decoded = RevertReason.parse(Abi.call("InsufficientProfit(uint256,uint256)", Abi.uint(7), Abi.uint(1_000)), CATALOG);
        assertThat(decoded.kind()).isEqualTo(RevertReason.Kind.CUSTOM_ERROR);
        assertThat(decoded.is("InsufficientProfit")).isTrue();
        assertThat(decoded.arguments()).containsExactly(Map.entry("profit", BigInteger.valueOf(7)), Map.entry("minProfit", BigInteger.valueOf(1_000)));
        assertThat(decoded.text()).isEqualTo("InsufficientProfit(profit=7, minProfit=1000)");

        assertThat(RevertReason.describe(Abi.call("NotOwner()"), CATALOG)).isEqualTo("NotOwner()");
        Address token = Address.of("0x00000000000000000000000000000000000000aa");
        assertThat(RevertReason.parse(Abi.call("TokenCallFailed(address)", Abi.address(token)), CATALOG).argument("token")).isEqualTo(token);

        String odd = Abi.call("Odd(int256,bool,bytes32,uint8)", Abi.int256(BigInteger.valueOf(-5)), Abi.bool(true),
                new org.web3j.abi.datatypes.generated.Bytes32(new byte[32]), Abi.uint8(3));
        assertThat(RevertReason.parse(odd, CATALOG).arguments())
                .containsEntry("delta", BigInteger.valueOf(-5)).containsEntry("flag", true).containsEntry("tag", "0x" + "0".repeat(64))
                .containsEntry("arg4", BigInteger.valueOf(3));
        assertThat(RevertReason.describe(Abi.call("WithText(string)", Abi.string("x")), CATALOG)).startsWith("WithText with data 0x");
    }

    @Test
    void aKnownCustomErrorWithTooLittleDataIsMalformed() {
        assertThat(RevertReason.parse(Abi.selector("InsufficientProfit(uint256,uint256)") + "00", CATALOG).kind())
                .isEqualTo(RevertReason.Kind.MALFORMED);
    }

    @Test
    void catalogDeclarationsAreCheckedAndCanonicalised() {
        ErrorCatalog catalog = ErrorCatalog.customErrors("Short(uint a, int)");
        assertThat(catalog.customError(Abi.selector("Short(uint256,int256)")).parameterNames()).containsExactly("a", "arg2");
        assertThat(catalog.customError(Abi.selector("Short(uint256,int256)").toUpperCase().replace("0X", "0x"))).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ErrorCatalog.customErrors("NotAnError"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NotAnError");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ErrorCatalog.customErrors("Bad(uint256 a b)"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uint256 a b");
    }

    @Test
    void namesTheSelectorOfACustomError() {
        String data = Abi.call("CallFailed(uint256)", Abi.uint(3));
        assertThat(RevertReason.decode(data)).startsWith("custom error " + Abi.selector("CallFailed(uint256)"));
        assertThat(RevertReason.parse(data, CATALOG).kind()).isEqualTo(RevertReason.Kind.UNKNOWN_CUSTOM_ERROR);
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
