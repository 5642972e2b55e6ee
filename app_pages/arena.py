"""Arena page: blind battles between two models, votes, ratings, and production A/B results."""

from __future__ import annotations

import json
import random
import time

import pandas as pd
import streamlit as st

from hfcompare.refs import ModelRef, SpecError
from ui import keys, prose, session
from ui.resources import embedding_cache, generation_cache, store, store_if_available
from ui.state import remember, restore, set_widget, widget_key
from ui.text import literal
from ui.widgets import chart, pinned_model, render_model_picker

ARENA_NEEDS_STORE = "This needs the store, which cannot be used now (the reason is above). Battles still run."
ARENA_INTRO = (
    "Blind side-by-side judging: two anonymous models answer the same prompt (or search the same texts), you "
    "vote, and only then are their names revealed. Votes are kept in the store and become ratings."
)
ARENA_VOTE_LABELS = {"a": "👈 A is better", "b": "👉 B is better", "tie": "🤝 Tie", "both_bad": "👎 Both are bad"}
ARENA_REPEATS = (
    " {repeats} repeated a battle already judged (the same prompt and pair of models, so the same answers: "
    "battles are deterministic); each such battle counts once, with its latest vote."
)
ARENA_BOARD_CAPTION = (
    "Bradley-Terry ratings (on the Elo scale, mean 1000: 400 points means 10 to 1 odds) with 95% bootstrap "
    "intervals over the votes, and online Elo. Ties and 'both bad' count half a win each; one virtual tie per pair "
    "of models that met keeps ratings finite, the same in the rating and its interval. A model needs {min_votes} "
    "votes to be rated; a model that won (lost) every vote has no upper (lower) limit. Overlapping intervals mean "
    "the votes cannot yet tell the models apart."
)
ARENA_BOARD_GROUPS = (
    "These models fall into {groups} groups that never met, directly or through other models: ratings are on "
    "separate scales (each group averages 1000) and can be compared only within a group. Battles between the "
    "groups would join them."
)
ARENA_BOARD_EMPTY = "No votes yet. Judge a few battles and the leaderboard appears here."
AB_INTRO = (
    "A production A/B test of two models, as the brief's rollout steps describe: your service fixes a plan with "
    "`hfcompare.decide.ab.plan(experiment, per_variant, split)`, assigns each user a variant with "
    "`hfcompare.decide.ab.assign(user_id, experiment, split)` (the same user always gets the same one) and logs whether "
    "they were satisfied with `hfcompare.decide.ab.log_outcome(...)`. Each user counts once, for the assigned variant."
)
AB_FIXED_HORIZON = (
    "Fixed-horizon test: the two-proportion z-test runs once, on the first {planned:,} users of each variant, when "
    "both have that many. Until then only counts are shown: checking a running test again and again and stopping "
    "at the first p < 0.05 calls a difference far more often than 5% of the time."
)
AB_PLAN_HELP = (
    "Fix the sample size before reading any result. The plan cannot be changed afterwards (so the finish line "
    "cannot move after a look at the data); users are split evenly (plan other splits with `hfcompare.decide.ab.plan`)."
)

ARENAS = {"generation": "Generation", "retrieval": "Retrieval"}


#: Said above a generation battle while it streams and until the vote; then REVEALED_CAPTION. TURNS_CAPTION
#: follows either when both models share this CPU.
STREAMING_CAPTION = ("Both answers stream in as they arrive, under their side's name only: the models and "
                     "their timings are revealed after your vote.")
REVEALED_CAPTION = "Under each answer: its time to first token, latency and tokens/s."
TURNS_CAPTION = ("Both models run on this CPU, so they answer one after the other: neither is timed while "
                 "the other runs.")


def _generation_battle(chosen: list[str], prompt: str, spot):
    """Draw two models, then stream both answers into two anonymous columns in `spot` (an st.empty())
    as they arrive."""
    from hfcompare.decide.battles import SIDES, generation_battle, pick_pair, takes_turns
    from ui.streaming import stream_work

    refs = [ModelRef.parse(c) for c in chosen]
    pair = pick_pair(refs)
    settings, cache = session.endpoint_settings(), generation_cache()  # read here: the worker must not call streamlit
    board = spot.container()   # gives way to the finished battle, laid out alike in the same spot
    board.markdown(f"**Prompt:** {literal(prompt)}")
    board.caption(STREAMING_CAPTION + (" " + TURNS_CAPTION if takes_turns(*pair) else ""))
    slots = {}
    for column, side in zip(board.columns(2), SIDES):
        column.markdown(f"#### Model {side}")
        slots[side] = column.empty()
        slots[side].text("(waiting for its first token…)")
    bar = board.progress(0.0, text="Both models are answering…")
    battle = stream_work(
        lambda feed: generation_battle(refs, prompt, settings=settings, cache=cache, pair=pair,
                                       on_piece=feed.piece, on_done=feed.done),
        slots, finished=lambda shown: shown or "(empty answer)",
        on_progress=lambda done: bar.progress(done / 2, text=f"{done} of 2 answers"))
    return battle


def _retrieval_corpus():
    """The texts retrieval battles search: this session's evaluation data, else the bundled sample."""
    from hfcompare.samples import load_retrieval_sample

    stored = session.evaluation()
    if stored:
        return stored.dataset, "the labeled data of your last evaluation"
    return load_retrieval_sample(), "the bundled help-centre sample"


def _retrieval_battle(chosen: list[str], query: str, spot=None):
    """Both models search under a spinner (a search does not stream); `spot` is not needed."""
    from hfcompare.decide.battles import retrieval_battle

    dataset, _ = _retrieval_corpus()
    with st.spinner("Both models are searching…"):
        return retrieval_battle([ModelRef.parse(c) for c in chosen], query, list(dataset.corpus.values()),
                                settings=session.endpoint_settings(), cache=embedding_cache())


def _vote(arena: str, winner: str) -> None:
    from hfcompare.storage.store import StoreUnavailable

    battle = st.session_state[keys.scoped(keys.ARENA_BATTLE, arena)]
    saved_in, problem = store_if_available()
    try:
        if saved_in is not None:
            saved_in.add_vote(arena, battle.prompt, str(battle.a), str(battle.b), winner)
    except StoreUnavailable as exc:   # the database went away since it was opened
        problem = str(exc)
    if problem:   # the battle stays, so the vote can be cast again once the store is back
        st.session_state[keys.scoped(keys.ARENA_VOTE_PROBLEM, arena)] = problem
        return
    battle.voted = winner
    st.session_state[keys.ARENA_BOARD] = arena  # the leaderboard opens on the arena just voted in


def _timing_line(battle, index: int) -> str:
    """One side's time to first token, latency and tokens/s, as the Generation page shows them."""
    t = battle.timings[index]
    if t is None:
        return "No timings: this model failed."
    ttft = f"{t.ttft_s:.2f} s" if t.ttft_s is not None else "n/a"
    speed = f"{t.tokens_per_s:.1f} tokens/s" if t.tokens_per_s else \
        f"tokens/s unknown ({t.speed_note or 'not measured'})"
    parts = [f"time to first token {ttft}", f"latency {t.latency_s:.2f} s", speed]
    if t.attempts > 1:
        parts.append(f"{t.attempts - 1} retr{'y' if t.attempts == 2 else 'ies'}, waited {t.retry_wait_s:.1f} s "
                     "before this answer (not in its times)")
    loaded = battle.load_s[index] if len(battle.load_s) > index else None
    if loaded and loaded >= 0.005:
        parts.append(f"loaded first in {loaded:.2f} s (not in these times)")
    if len(battle.cached) > index and battle.cached[index]:
        parts.append("cached: timed when this answer was first generated")
    return " · ".join(parts)


def render_battle(arena: str) -> None:
    """The battle on screen: two anonymous outputs, the vote buttons, then the reveal (with each
    side's timings in a generation battle)."""
    from hfcompare.decide.battles import takes_turns

    battle = st.session_state.get(keys.scoped(keys.ARENA_BATTLE, arena))
    if not battle:
        return
    st.markdown(f"**{'Prompt' if arena == 'generation' else 'Query'}:** {literal(battle.prompt)}")
    voted = battle.voted
    if battle.timings:   # laid out as it streamed (prompt, caption, columns), so each part takes its own place
        turns = " " + TURNS_CAPTION if takes_turns(battle.a, battle.b) else ""
        st.caption((REVEALED_CAPTION if voted else STREAMING_CAPTION) + turns)
    for index, (column, side, text) in enumerate(zip(st.columns(2), ("A", "B"), battle.shown)):
        column.markdown(f"#### Model {side}")
        column.text(text or "(empty answer)")  # as plain text: model output is untrusted
        if voted and battle.timings:   # timings are revealed with the names: a speed can give a model away
            column.caption(_timing_line(battle, index))
    problem = st.session_state.pop(keys.scoped(keys.ARENA_VOTE_PROBLEM, arena), None)
    if problem:
        st.error(literal(f"Your vote was not saved: {problem}"), icon="⚠️")
    buttons = st.columns(4)
    for column, (winner, label) in zip(buttons, ARENA_VOTE_LABELS.items()):
        column.button(label, key=f"vote_{arena}_{winner}", disabled=voted is not None, on_click=_vote,
                      args=(arena, winner), use_container_width=True)
    if voted:
        st.success(f"Model A was **{literal(battle.a)}**, model B was **{literal(battle.b)}**. Your vote: "
                   f"{ARENA_VOTE_LABELS[voted]}. Saved.", icon="🗳️")
    elif any(battle.failed):
        st.caption("A model failed; you can still vote (both bad, or for the one that answered).")


def render_arena(arena: str, task: str, models_key: str, input_key: str, label: str, placeholder: str,
                 sample, battle) -> None:
    """One arena: the models that may be drawn, a prompt or query (or a sampled one), a battle."""
    chosen = render_model_picker(task, models_key, "Models that may be drawn into a battle.",
                                 "Pick two or more models")
    restore(input_key, "")
    st.text_input(label, key=widget_key(input_key), placeholder=placeholder)
    remember(input_key)
    left = right = st.container(horizontal=True)  # buttons keep their labels and wrap on a narrow screen
    left.button(f"Sample {label.lower()}", on_click=lambda: set_widget(input_key, sample()),
                key=f"arena_sample_{arena}")
    asked = right.button("New battle", type="primary", key=f"arena_new_{arena}")
    spot = st.empty()   # the battle on screen: a new one streams here, in place of the last (none of it left stale)
    problem = None
    if asked:
        text = st.session_state.get(input_key, "").strip()
        try:
            if not text:
                raise SpecError(f"Write a {label.lower()} first (or press Sample {label.lower()}).")
            st.session_state[keys.scoped(keys.ARENA_BATTLE, arena)] = battle(chosen, text, spot)
        except SpecError as exc:
            problem = exc
    with spot.container():
        if problem:
            st.error(literal(problem))
        render_battle(arena)


def render_generation_arena() -> None:
    from hfcompare.samples import load_sample

    render_arena("generation", "generation", keys.ARENA_GEN_MODELS, keys.ARENA_PROMPT, "Prompt",
                 "Ask something both models should answer",
                 lambda: random.choice(load_sample("invoice_chatbot_prompts")["prompts"])["prompt"],
                 _generation_battle)


def render_retrieval_arena() -> None:
    dataset, described = _retrieval_corpus()
    from hfcompare.decide.battles import TOP_RESULTS

    st.caption(f"Searching {len(dataset.corpus)} texts from {described}; each model shows its top {TOP_RESULTS}.")
    render_arena("retrieval", "embeddings", keys.ARENA_RET_MODELS, keys.ARENA_QUERY, "Query",
                 "What would a user search for?", lambda: random.choice(list(dataset.queries.values())),
                 _retrieval_battle)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def render_leaderboard() -> None:
    from hfcompare.decide.arena import MIN_VOTES, Battle, independent_votes, leaderboard, leaderboard_view
    from hfcompare.reporting import charts

    st.session_state.setdefault(keys.ARENA_BOARD, "generation")   # one arena is always chosen: never a false "No votes yet"
    arena = st.segmented_control("Arena", list(ARENAS), required=True, format_func=ARENAS.get, key=keys.ARENA_BOARD) or "generation"
    votes = store().votes(arena)
    if not votes:
        st.info(ARENA_BOARD_EMPTY)
        return
    counted = independent_votes(votes)
    battles = [Battle(v["model_a"], v["model_b"], v["winner"]) for v in counted]
    table = leaderboard(battles)
    groups = int(table["group"].max())
    repeats = len(votes) - len(counted)
    st.caption(ARENA_BOARD_CAPTION.format(min_votes=MIN_VOTES) + f" {_plural(len(votes), 'vote')} so far."
               + (ARENA_REPEATS.format(repeats=_plural(repeats, "vote")) if repeats else ""))
    if groups > 1:
        st.warning(ARENA_BOARD_GROUPS.format(groups=groups), icon="🧩")
    st.dataframe(leaderboard_view(table), hide_index=True, column_config=pinned_model({
        "rank": st.column_config.TextColumn("rank", help="Rank among rated models (within the group)."),
        "rating": st.column_config.TextColumn("rating", help="Bradley-Terry rating, mean 1000 over the models "
                                              "with votes (in each group)."),
        "95% interval": st.column_config.TextColumn("95% interval", help="95% bootstrap interval of the rating "
                                                    "(∞: won every vote, −∞: lost every vote)."),
        "note": st.column_config.TextColumn("note", help="Why a rating is missing or is only a bound.", width="medium"),
        "elo": st.column_config.TextColumn("elo", help="Online Elo (K=4) in vote order."),
        "win rate": st.column_config.NumberColumn("win rate", format="percent"),
    }))
    rated = table[table["rating"].notna()]
    if rated.empty:
        st.caption(f"No model has {MIN_VOTES} votes yet, so there is nothing to chart.")
    else:
        shown = rated.assign(model=[f"{m} (group {g})" if groups > 1 else m for m, g in zip(rated["model"],
                                                                                              rated["group"])])
        shown = shown.rename(columns={"low": "rating low", "high": "rating high"})
        finite = shown[["rating low", "rating high"]].replace([float("inf"), float("-inf")], float("nan"))
        chart(lambda: charts.interval_chart(shown.assign(**finite), "rating"), key="arena_intervals")
    export = pd.DataFrame(votes)
    left, right = st.columns(2)
    left.download_button("Download votes (CSV)", export.to_csv(index=False), f"votes_{arena}.csv", "text/csv")
    right.download_button("Download votes (JSON)", json.dumps(votes, indent=2), f"votes_{arena}.json",
                          "application/json")


def render_ab_plan(experiment: str) -> None:
    """The form that fixes an experiment's plan: users per variant from today's rate and the
    smallest difference worth detecting."""
    from hfcompare.decide import ab

    st.info(f"**{literal(experiment)}** has no plan yet, so no test is run. " + AB_PLAN_HELP, icon="📏")
    left, right, button = st.columns([2, 2, 2], vertical_alignment="bottom")
    baseline = left.number_input("Satisfied today (%)", 1.0, 99.0, 10.0, step=1.0, key=keys.AB_BASELINE)
    difference = right.number_input("Smallest difference worth detecting (points)", 0.5, 50.0, 2.0, step=0.5,
                                    key=keys.AB_DIFFERENCE)
    target = min(baseline + difference, 99.9)
    needed = ab.sample_size(baseline / 100, target / 100)
    if button.button(f"Fix the plan: {needed:,} users per variant", key="ab_plan"):
        ab.plan(experiment, needed, store=store())
        st.rerun()
    st.caption(f"{needed:,} users per variant detect {baseline:g}% against {target:g}% with 80% power at a "
               "5% two-sided level.")


def render_ab() -> None:
    from hfcompare.decide import ab

    st.caption(AB_INTRO)
    experiments = store().experiments()
    # stays open while someone is logging by hand (it would fold up after the first experiment appears)
    with st.expander("Log an outcome by hand (to try it out)",
                     expanded=not experiments or bool(st.session_state.get(keys.AB_USER))):
        a, b, c = st.columns([2, 2, 1])
        name = a.text_input("Experiment", key=keys.AB_NEW_EXPERIMENT, placeholder="support-bot-v2")
        user = b.text_input("User id", key=keys.AB_USER, placeholder="user-123")
        satisfied = c.checkbox("Satisfied", key=keys.AB_SATISFIED)
        if st.button("Log outcome", key="ab_log"):
            if not name.strip() or not user.strip():
                st.error("Give an experiment name and a user id.")
            else:
                variant = ab.log_outcome(name.strip(), user.strip(), satisfied, store=store())
                st.success(f"{literal(user.strip())} is in variant {literal(variant)} of {literal(name.strip())}; "
                           "outcome logged.")
                experiments = store().experiments()
                st.session_state[keys.AB_EXPERIMENT] = name.strip()  # show the experiment just logged to
    if not experiments:
        st.info("No experiment has logged outcomes yet.")
        return
    experiment = st.selectbox("Experiment", experiments, key=keys.AB_EXPERIMENT)
    fixed = store().experiment_plan(experiment)
    if fixed is None:
        render_ab_plan(experiment)
    result = ab.results(experiment, store=store())
    if result.mismatched_users:
        st.warning(f"{_plural(result.mismatched_users, 'user')} had {_plural(result.mismatched_outcomes, 'outcome')} "
                   "logged under the variant they were not assigned. Each user counts once, for the assigned "
                   "variant; check that your service shows every user the model `ab.assign` gives them.", icon="🔀")
    complete = result.status == "complete"
    rows = [{"variant": v, "users": n, "satisfied": s, "rate": n and s / n, "95% low": i[0], "95% high": i[1]}
            for v, n, s, i in (("A", result.n_a, result.successes_a, result.interval_a),
                               ("B", result.n_b, result.successes_b, result.interval_b))]
    shown = ["variant", "users", "satisfied"] + (["rate", "95% low", "95% high"] if complete else [])
    users_help = "Each user once, under the variant assigned to them" + (
        ", with their outcome as logged when the plan was reached (the test's data; it does not change)."
        if complete else ", with their latest outcome.")
    if complete:
        st.markdown("**The test** (final)")
    st.dataframe(pd.DataFrame(rows)[shown], hide_index=True, column_config={
        "users": st.column_config.NumberColumn("users", help=users_help),
        "rate": st.column_config.NumberColumn("rate", format="percent"),
        "95% low": st.column_config.NumberColumn("95% low", help="Wilson interval.", format="percent"),
        "95% high": st.column_config.NumberColumn("95% high", help="Wilson interval.", format="percent"),
    })
    if fixed is None:
        return
    planned = fixed["per_variant"]
    st.caption(AB_FIXED_HORIZON.format(planned=planned))
    if not complete:
        st.progress(min(result.n_a, result.n_b) / planned,
                    text=f"Collecting: A {result.n_a:,} of {planned:,}, B {result.n_b:,} of {planned:,} users. "
                         "No result until both reach the plan.")
        return
    when = (time.strftime(" on %Y-%m-%d at %H:%M UTC", time.gmtime(result.reached_at))
            if result.reached_at is not None else "")
    st.markdown(f"Planned size reached{when}, at the experiment's {_ordinal(result.outcomes_at_plan)} outcome. "
                f"Two-proportion z-test on the first {planned:,} users of each variant, with the outcomes logged "
                f"until then: z = {result.z:.2f}, p = {result.p_value:.4f}: **{result.verdict}** "
                f"(at {result.alpha:.0%}). This verdict is final: outcomes logged later do not change it.")
    render_ab_after_plan(result)


#: Explains the "after the plan" table under a finished A/B test.
AB_AFTER_PLAN_CAPTION = ("Not part of the test: outcomes logged after the plan was reached (users already "
                         "tested who came back, and new users), and those of users who came after their variant "
                         "had its planned users. Each user once, under the assigned variant, with their latest "
                         "outcome. Shown to watch the rollout, not to decide: re-testing with them would reopen the "
                         "repeated looking the fixed horizon prevents.")


def render_ab_after_plan(result) -> None:
    """The outcomes a finished test does not use, per variant, apart from the tested counts."""
    after = result.after_plan
    st.markdown("**After the plan** (not part of the test)")
    if not any(part.outcomes for part in after.values()):
        st.caption("No outcomes logged after the plan yet.")
        return
    rows = [{"variant": v, "users": part.users, "new users": part.new_users, "outcomes": part.outcomes,
             "satisfied": part.satisfied, "rate": part.rate} for v, part in after.items()]
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={
        "users": st.column_config.NumberColumn("users", help="Users with an outcome the test does not use, each once."),
        "new users": st.column_config.NumberColumn("new users", help="Of those, users who are not in the test."),
        "outcomes": st.column_config.NumberColumn("outcomes", help="Outcomes the test does not use."),
        "satisfied": st.column_config.NumberColumn("satisfied", help="Users whose latest outcome is satisfied."),
        "rate": st.column_config.NumberColumn("rate", format="percent",
                                              help="Satisfied ÷ users, after the plan: not a test result."),
    })
    st.caption(AB_AFTER_PLAN_CAPTION)


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def render() -> None:
    """The Arena: blind battles, the leaderboard and A/B tests, one tab each."""
    st.title(prose.ARENA_TITLE)
    st.caption(ARENA_INTRO)
    _, unavailable = store_if_available()
    if unavailable:   # battles still run; votes, the leaderboard and A/B tests need the store
        st.error(literal(unavailable), icon="⚠️")
    generation_tab, retrieval_tab, board_tab, ab_tab = st.tabs(["Generation battle", "Retrieval battle", "Leaderboard",
                                                               "A/B test"])
    with generation_tab:
        render_generation_arena()
    with retrieval_tab:
        render_retrieval_arena()
    for tab, render_part in ((board_tab, render_leaderboard), (ab_tab, render_ab)):
        with tab:
            if unavailable:
                st.info(ARENA_NEEDS_STORE)
            else:
                render_part()


if __name__ == "__main__":  # Streamlit runs a page file as __main__; tests import it
    render()
