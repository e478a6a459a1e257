package org.myelin.core.filters;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TypePatternsTest {

    /** pattern | type | matches */
    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "m.room.message   | m.room.message        | true",
            "m.room.message   | m.room.messages       | false",
            "m.room.message   | m.room.messag         | false",
            "m.room.message   | M.ROOM.MESSAGE        | false",
            "m.room.*         | m.room.message        | true",
            "m.room.*         | m.room.               | true",
            "m.room.*         | m.room                | false",
            "m.room.*         | m.roomy.x             | false",
            "m.room.*         | x.m.room.message      | false",
            "*                | anything              | true",
            "*                | ''                    | true",
            "**               | x                     | true",
            "*.message        | m.room.message        | true",
            "*.message        | m.room.messages       | false",
            "m.*.message      | m.room.message        | true",
            "m.*.message      | m.message             | false",
            "m.*.message      | m..message            | true",
            "*room*           | m.room.message        | true",
            "*room*           | room                  | true",
            "*room*           | m.roo.m               | false",
            "a*b*c            | abc                   | true",
            "a*b*c            | aXbYc                 | true",
            "a*b*c            | acb                   | false",
            "a*b*c            | abcb                  | false",
            "a*b*c            | abcbc                 | true",
            "a*a              | a                     | false",
            "a*a              | aa                    | true",
            "ab*ba            | aba                   | false",
            "a**b             | ab                    | true",
            "x*y*z*           | xyzzz                 | true",
            "*y*y             | yy                    | true",
            "*y*y             | y                     | false",
            "m.room.?ame      | m.room.name           | false",
            "m.room.[n]ame    | m.room.name           | false",
            "m.room.[n]ame    | m.room.[n]ame         | true",
            "m.room.n.me      | m.room.name           | false",
    })
    void glob(String pattern, String type, boolean expected) {
        assertEquals(expected, TypePatterns.compile(List.of(pattern)).matches(type));
    }

    @org.junit.jupiter.api.Test
    void anyOfSeveral() {
        TypePatterns p = TypePatterns.compile(List.of("m.room.message", "m.call.*", "*.custom"));
        assertEquals(true, p.matches("m.room.message"));
        assertEquals(true, p.matches("m.call.invite"));
        assertEquals(true, p.matches("org.example.custom"));
        assertEquals(false, p.matches("m.room.name"));
        assertEquals(false, TypePatterns.compile(List.of()).matches("m.room.message"));
    }
}
