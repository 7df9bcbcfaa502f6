package org.trainguard.examples.demo;

import java.util.SplittableRandom;

/**
 * How Japanese requests are typed: greetings and closing courtesies, dropped or half-width
 * punctuation, full-width digits and the occasional conversion slip. Never adds spaces.
 */
final class JapaneseSurface implements SurfaceStyle {

    private static final String[] PREFIXES = {
        "すみません、", "あの、", "質問です。", "こんにちは。", "お疲れ様です。", "急ぎで", "ちょっと聞きたいんだけど、",
        "初めて利用します。", "失礼します。", "ねえ、", "至急！", "相談です。", "夜分にすみません。", "はじめまして。",
        "教えてほしいことがあります。", "えっと、",
    };
    private static final String[] SUFFIXES = {
        "よろしくお願いします。",
        "お願いします！",
        "教えてください。",
        "助かります。",
        "急ぎです。",
        "ありがとうございます。",
        "お願いできますか？",
        "m(_ _)m",
        "🙏",
        "ｗ",
        "よろしくです。",
        "至急でお願いします。",
        "どうかお願いします。",
    };
    // side remarks appear with every label, so none of them tells the classes apart
    private static final String[] REMARKS = {
        "スマホから失礼します。",
        "急いでいます。",
        "調べてもわからなかったので。",
        "友達に聞いたらここで聞けばいいと言われました。",
        "簡単に説明してほしいです。",
        "長文すみません。",
        "{ja_device}を使っています。",
        "初心者です。",
        "正直に答えてください。",
        "手短にお願いします。",
        "{ja_time}までに必要です。",
        "仕事で必要なんです。",
        "学校の課題で使います。",
        "セキュリティの研究をしています。",
        "他に聞ける人がいなくて。",
    };
    private static final String FULL_WIDTH_DIGITS = "０１２３４５６７８９";
    // the same request said more or less politely; used for every label alike
    private static final String[] TE_ENDINGS = {"てください。", "てほしいです。", "てほしい。", "て。"};
    private static final String[] TE_FORMS = {
        "て。", "てください。", "てほしいです。", "てもらえますか？", "てくれない？", "てくれる？", "ていただけますか？",
    };
    private static final String[] METHOD_FORMS = {"方法。", "方法を教えて。", "方法が知りたい。", "方法はありますか？", "方法ってある？"};

    private final TemplateRenderer renderer;

    /**
     * Creates the style.
     *
     * @param renderer renders the side remarks, which use the Japanese slots
     */
    JapaneseSurface(TemplateRenderer renderer) {
        this.renderer = renderer;
    }

    @Override
    public String apply(String request, SplittableRandom rng) {
        String text = rng.nextDouble() < 0.45 ? varyRequestForm(request, rng) : request;
        if (rng.nextDouble() < 0.12) {
            String remark = renderer.render(SurfaceStyle.pick(rng, REMARKS), rng);
            text = rng.nextBoolean() ? remark + text : closeSentence(text) + remark;
        }
        if (rng.nextDouble() < 0.30) {
            text = SurfaceStyle.pick(rng, PREFIXES) + text;
        }
        if (rng.nextDouble() < 0.33) {
            String suffix = SurfaceStyle.pick(rng, SUFFIXES);
            text = (rng.nextBoolean() ? closeSentence(text) : text) + suffix;
        }
        text = varyPunctuation(text, rng);
        if (rng.nextDouble() < 0.30) {
            text = fullWidthDigits(text);
        }
        if (rng.nextDouble() < 0.04) {
            text = slip(text, rng);
        }
        return text;
    }

    /** Swaps the closing request form: 教えて / 教えてください / 教えてもらえますか, 方法 / 方法を教えて. */
    private static String varyRequestForm(String text, SplittableRandom rng) {
        for (String ending : TE_ENDINGS) {
            if (text.endsWith(ending)) {
                return text.substring(0, text.length() - ending.length()) + SurfaceStyle.pick(rng, TE_FORMS);
            }
        }
        if (text.endsWith("方法。")) {
            return text.substring(0, text.length() - "方法。".length()) + SurfaceStyle.pick(rng, METHOD_FORMS);
        }
        return text;
    }

    private static String closeSentence(String text) {
        char last = text.charAt(text.length() - 1);
        return last == '。' || last == '？' || last == '！' || last == '?' || last == '!' ? text : text + "。";
    }

    private static String varyPunctuation(String text, SplittableRandom rng) {
        String result = text;
        double r = rng.nextDouble();
        if (r < 0.20) {
            result = result.replace('？', '?').replace('！', '!');
        }
        if (result.endsWith("。") && rng.nextDouble() < 0.35) {
            result = result.substring(0, result.length() - 1);
        } else if (result.endsWith("？") && rng.nextDouble() < 0.06) {
            result = result + "？";
        } else if (result.endsWith("。") && rng.nextDouble() < 0.05) {
            result = result.substring(0, result.length() - 1) + "…";
        }
        return result;
    }

    private static String fullWidthDigits(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            sb.append(c >= '0' && c <= '9' ? FULL_WIDTH_DIGITS.charAt(c - '0') : c);
        }
        return sb.toString();
    }

    /** A doubled or dropped kana, the typical slip of fast flick input. */
    private static String slip(String text, SplittableRandom rng) {
        for (int attempt = 0; attempt < 8; attempt++) {
            int p = 1 + rng.nextInt(Math.max(1, text.length() - 1));
            if (p >= text.length()) {
                continue;
            }
            char c = text.charAt(p);
            if (c >= 'ぁ' && c <= 'ゖ') {
                return rng.nextBoolean()
                        ? text.substring(0, p) + c + text.substring(p)
                        : text.substring(0, p) + text.substring(p + 1);
            }
        }
        return text;
    }
}
