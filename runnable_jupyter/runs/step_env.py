"""A step's environment variables: the pipeline's `env` overlaid with the step's, secrets
(`{"from_env": NAME}`) read from the environment of this process (the server or the CLI) when
the step is submitted. Only the declaration is ever recorded (`StepRecord.env`); the values of
secrets go to the kernel alone, and the executor masks them in everything the step outputs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from ..errors import BadRequest
from ..pipeline.model import EnvValue, FromEnv, Pipeline


def declared_env(pipeline: Pipeline, step_id: str) -> dict[str, EnvValue]:
    return {**pipeline.env, **pipeline.step(step_id).env}


def env_record(declared: Mapping[str, EnvValue]) -> dict[str, str | dict[str, str]]:
    """What the run log records: plain values, and secrets by the variable they come from."""
    return {
        name: {"from_env": value.from_env} if isinstance(value, FromEnv) else value
        for name, value in declared.items()
    }


def missing_secrets(
    pipeline: Pipeline, step_ids: Iterable[str], environ: Mapping[str, str] | None = None
) -> list[str]:
    """One sentence per secret the given steps need that this process's environment lacks."""
    environ = os.environ if environ is None else environ
    problems = []
    for step_id in step_ids:
        for name, value in declared_env(pipeline, step_id).items():
            if isinstance(value, FromEnv) and value.from_env not in environ:
                problems.append(
                    f"step '{step_id}' takes {name} from the environment variable "
                    f"{value.from_env}, which is not set where the steps run"
                )
    return problems


def refuse_missing_secrets(pipeline: Pipeline, step_ids: Iterable[str]) -> None:
    problems = missing_secrets(pipeline, step_ids)
    if problems:
        raise BadRequest(
            "; ".join(problems) + ": set it in the environment of the server or CLI that runs "
            "the pipeline and start again",
            {"missing": problems},
        )


def resolved_env(pipeline: Pipeline, step_id: str) -> tuple[dict[str, str], list[str]]:
    """(name -> value for the kernel, names of the secret ones); raises BadRequest for a
    secret whose variable is not set."""
    refuse_missing_secrets(pipeline, [step_id])
    values: dict[str, str] = {}
    secrets: list[str] = []
    for name, value in declared_env(pipeline, step_id).items():
        if isinstance(value, FromEnv):
            values[name] = os.environ[value.from_env]
            secrets.append(name)
        else:
            values[name] = value
    return values, secrets
