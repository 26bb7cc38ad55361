"""The corpus, the shipped model and the safety layer: well formed, fresh, and the decisions that must never
go wrong. Accuracy is a figure, not a threshold here: `python tests/benchmarks/bench_dialogue.py` reports it on
the held-out part."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin

from bot.understanding import Understanding, corpus
from bot.understanding.model import MODEL_FILE, CompactModel, build
from bot.understanding.safety import MODEL_ALARM
from bot.understanding.text import CJK_RUN, normalise, pinyin


@pytest.fixture(scope="module")
def understanding() -> Understanding:
    return Understanding.shared()


def test_corpus_is_large_and_labelled_with_the_contract_vocabulary() -> None:
    train, heldout = corpus.load("train"), corpus.load("heldout")
    assert len(train) >= 3000 and len(heldout) >= 600
    for part in (train, heldout):
        counts = {i: sum(e.intent == i for e in part) for i in corpus.INTENTS}
        assert set(counts) == set(corpus.INTENTS)
    assert min(sum(e.intent == i for e in train) for i in corpus.INTENTS) >= 150
    assert len({e.writer for e in train}) >= 4
    assert not {e.writer for e in train} & {e.writer for e in heldout}
    assert not {e.text for e in train} & {e.text for e in heldout}, "a held-out message leaked into training"
    safety = [e for e in [*train, *heldout] if e.safety != "none"]
    assert len(safety) >= 400


def test_a_bad_corpus_file_is_refused_naming_the_line(tmp_path: Path) -> None:
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "w.tsv").write_text("text\tintent\tsafety\n托班\tfind_centre\tnone\n娃抽了\tfind_centre\t"
                                              "emergency\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"w.tsv:3: a emergency message reports intent guidance"):
        corpus.load("train", tmp_path)
    (tmp_path / "train" / "w.tsv").write_text("text\tintent\tsafety\n托班\tnursery\tnone\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"w.tsv:2: unknown intent 'nursery'"):
        corpus.load("train", tmp_path)


def test_the_shipped_model_is_built_from_the_corpus_as_it_is() -> None:
    shipped = CompactModel.load()
    assert shipped.corpus_digest == corpus.training_digest(), \
        "the corpus changed since the model was trained: run `carecircle dialogue train`"
    assert MODEL_FILE.stat().st_size < 10 * 1024 * 1024


@pytest.mark.slow
def test_the_shipped_numbers_read_as_scikit_learn_does_and_agree_with_a_fresh_training() -> None:
    trained = build()
    exported, shipped = trained.export(), CompactModel.load()
    sample = corpus.load("train")[::25]
    differ = 0
    for example in sample:
        mine, theirs = exported.read(example.text), trained.read(example.text)
        row = trained.features.transform([normalise(example.text)])
        intents = dict(zip(trained.intents.classes_, trained.intents.predict_proba(row)[0], strict=True))
        kinds = dict(zip(trained.safety.classes_, trained.safety.predict_proba(row)[0], strict=True))
        # the weights ship in half precision: the same class, or one scikit-learn rates as good as tied with it
        assert intents[mine[0].intent] == pytest.approx(intents[theirs[0].intent], abs=2e-3)
        assert intents[mine[0].runner_up] == pytest.approx(intents[theirs[0].runner_up], abs=2e-3)
        assert kinds[mine[1].label] == pytest.approx(kinds[theirs[1].label], abs=2e-3)
        assert mine[0].probability == pytest.approx(theirs[0].probability, abs=1e-3)
        assert mine[1].none_probability == pytest.approx(theirs[1].none_probability, abs=1e-3)
        kept = shipped.read(example.text)
        differ += kept[0].intent != mine[0].intent or (kept[1].none_probability < MODEL_ALARM) != (
            mine[1].none_probability < MODEL_ALARM)
    # Training is deterministic on one machine; on another (its BLAS, its numpy) the optimiser stops a little
    # elsewhere (a model shipped from one machine and trained again on another: 4 of 9,603 decisions moved).
    assert differ <= len(sample) // 200


@pytest.mark.parametrize(("text", "intent"), [
    ("取消订阅", "unsubscribe"), ("别再给我发消息了", "unsubscribe"), ("山西产假多少天", "leave"),
    ("附近有没有普惠托育", "find_centre"), ("小星星托育园备案了吗", "check_centre"), ("你好", "help"),
    ("育儿补贴怎么领", "subsidy"), ("我想订阅育儿提醒", "subscribe"), ("宝宝六个月辅食怎么加", "guidance"),
    ("我要投诉托班", "complaint"), ("不是问产假，我想找托儿所", "find_centre"),
])
def test_plain_questions_are_read(understanding: Understanding, text: str, intent: str) -> None:
    assert understanding.read(text).intent == intent


@pytest.mark.parametrize(("text", "kind"), [
    ("孩子说老师脱他裤子，还不让他告诉爸爸妈妈", "harm"),
    ("在监控里看到老师踢孩子", "harm"),
    ("背上一道一道的红印子，像是拿东西抽的", "harm"),
    ("给不睡午觉的孩子喂安眠药", "harm"),
    ("产后这几个月天天哭，站在阳台上就想跳下去", "distress"),
    ("娃喝了一口84消毒液", "emergency"),
    ("宝宝一直睡，叫不太醒", "emergency"),
    ("my 10 month old is struggling to breathe and her lips look blue", "emergency"),
    ("宝宝抽风了", "emergency"),
    ("机构跑路了", "fraud"), ("卷钱跑了", "fraud"), ("不退押金", "fraud"),
    ("美林一次吃几毫升", "medicine"),
])
def test_what_must_never_be_missed_leads_the_alarm(understanding: Understanding, text: str, kind: str) -> None:
    alarm = understanding.read(text).alarm
    assert alarm is not None and alarm.kind == kind


@pytest.mark.parametrize("text", ["宝宝每天喝多少奶", "维生素D每天吃多少", "附近有普惠托育吗", "打疫苗疼吗",
                                  "打电话问问托班", "产假多少天", "托班收费能退吗"])
def test_ordinary_messages_raise_no_alarm(understanding: Understanding, text: str) -> None:
    assert understanding.read(text).alarm is None


def test_a_fever_is_an_emergency_under_three_months_only(understanding: Understanding) -> None:
    alarm = understanding.read("宝宝发烧38度", age_months=2).alarm
    assert alarm is not None and alarm.kind == "emergency"
    assert understanding.read("宝宝发烧38度", age_months=20).alarm is None


def test_the_training_digest_changes_with_the_held_out_part_too(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Training leaves out what a held-out writer also wrote, so the held-out files shape the model as well.
    for part, text in (("train", "在吗\thelp\tnone\n"), ("heldout", "托班\tfind_centre\tnone\n")):
        (tmp_path / part).mkdir()
        (tmp_path / part / "x.tsv").write_text("text\tintent\tsafety\n" + text, encoding="utf-8")
    before = corpus.training_digest(tmp_path)
    (tmp_path / "heldout" / "x.tsv").write_text("text\tintent\tsafety\n在吗\thelp\tnone\n", encoding="utf-8")
    assert corpus.training_digest(tmp_path) != before


def test_pinyin_read_phrase_by_phrase_is_the_pinyin_of_the_whole_run() -> None:
    for text in ("银行旁边的托育行不行", "重庆长大的孩子重了 长得快", "脱育 拖育 托育", "offline 抽风了 还在抽"):
        whole = [s for run in CJK_RUN.findall(text) for s in lazy_pinyin(run, style=Style.NORMAL, errors="ignore")]
        assert list(pinyin(text)) == whole
    assert pinyin("银行")[0] == "yin" and pinyin("银行")[1] == "hang" and pinyin("行不行")[0] == "xing"
