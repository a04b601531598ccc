import { describe, expect, it } from "vitest";
import { displayText } from "./display-text.js";

describe("displayText", () => {
  it("escapes control characters and leaves other text alone", () => {
    expect(displayText("shop/web")).toBe("shop/web");
    expect(displayText("prodüction")).toBe("prodüction");
    expect(displayText("a\nb\rc\u001b[31md\u0000\u2028")).toBe("a\\u000ab\\u000dc\\u001b[31md\\u0000\\u2028");
  });
});
