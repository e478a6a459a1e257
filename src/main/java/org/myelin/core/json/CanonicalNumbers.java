package org.myelin.core.json;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Number formatting for {@link CanonicalJsonWriter}; see {@link CanonicalJson} for the rules and why. */
final class CanonicalNumbers {
    private static final double TWO_POW_63 = 0x1p63;
    private static final MathContext ONE_DIGIT = new MathContext(1, RoundingMode.HALF_EVEN);

    private CanonicalNumbers() {}

    static String format(JsonNode number) {
        if (number.isIntegralNumber()) {
            return number.isBigInteger() ? number.bigIntegerValue().toString() : Long.toString(number.longValue());
        }
        if (number.isBigDecimal()) {
            BigDecimal d = number.decimalValue();
            if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) return d.toBigInteger().toString();
            return pythonRepr(d.doubleValue());
        }
        double d = number.doubleValue();
        if (!Double.isFinite(d)) throw new IllegalArgumentException("canonical JSON cannot represent " + d);
        if (d == Math.rint(d)) {
            // (long) maps -0.0 to 0, which the spec requires.
            return Math.abs(d) < TWO_POW_63 ? Long.toString((long) d) : new BigDecimal(d).toBigInteger().toString();
        }
        return pythonRepr(d);
    }

    /**
     * Python's {@code repr(float)}: the shortest round-tripping digits, positional unless the
     * decimal exponent is below -4 ({@code 1e-05}). Values here are non-integral, hence below 2^52,
     * so Python's other switch to exponent form (at 1e16) never applies.
     */
    private static String pythonRepr(double d) {
        // Since JDK 19, Double.toString yields the shortest digits that round-trip, as Python does,
        // except that it never gives fewer than two (4.9E-324 where Python has 5e-324).
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        if (shortest.precision() == 2) {
            BigDecimal oneDigit = shortest.round(ONE_DIGIT);
            if (Double.parseDouble(oneDigit.toString()) == d) shortest = oneDigit.stripTrailingZeros();
        }
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - shortest.scale() - 1;
        if (exponent >= -4) return shortest.toPlainString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e-" + (exponent > -10 ? "0" : "") + (-exponent);
    }
}
