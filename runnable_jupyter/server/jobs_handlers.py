"""Handlers for jobs: thin HTTP shells around `job_operations`, run off the event loop.

Authorization, on the resource `runnable` like runs: reading is `read`; creating and running a
job are `execute` (they run code, now or later), and so is a change of anything but `paused`;
pausing, resuming, cancelling and deleting are `write`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from . import job_operations
from .bodies import parse_body
from .handlers import AUTH_RESOURCE, BaseHandler
from .job_bodies import CreateJobBody, JobChangesBody
from .operations import Workspace

if TYPE_CHECKING:
    from ..jobs.service import JobService

JOBS_SETTING = "runnable_jupyter_jobs"
SCHEDULER_SETTING = "runnable_jupyter_scheduler"
JOB_ID_GROUP = r"(?P<job_id>[^/]+)"  # anything up to the next '/': the pattern is checked later


class JobsBaseHandler(BaseHandler):
    @property
    def job_service(self) -> JobService:
        return self.settings[JOBS_SETTING]  # type: ignore[no-any-return]

    async def call(self, operation: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        workspace = Workspace(self.run_manager, self.allow_hidden)
        jobs = job_operations.JobsWorkspace(workspace, self.job_service)
        return await asyncio.to_thread(operation, jobs, *args)

    def pipeline(self) -> str | None:
        return self.get_query_argument("pipeline", None, strip=False)


class JobsHandler(JobsBaseHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def get(self) -> None:
        self.reply(200, await self.call(job_operations.list_jobs, self.pipeline()))

    @tornado.web.authenticated
    @authorized("execute")
    async def post(self) -> None:
        body = parse_body(CreateJobBody, self.json_body())
        self.reply(201, await self.call(job_operations.create_job, body))


class JobHandler(JobsBaseHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def get(self, job_id: str) -> None:
        self.reply(200, await self.call(job_operations.get_job, job_id, self.pipeline()))

    @tornado.web.authenticated
    @authorized("write")
    async def patch(self, job_id: str) -> None:
        body = parse_body(JobChangesBody, self.json_body())
        if body.model_fields_set - {"paused"} and not self.authorizer.is_authorized(
            self, self.current_user, "execute", AUTH_RESOURCE
        ):
            raise tornado.web.HTTPError(
                403, "changing what a job runs needs the 'execute' permission; 'write' pauses"
            )
        answer = await self.call(job_operations.change_job, job_id, self.pipeline(), body)
        self.reply(200, answer)

    @tornado.web.authenticated
    @authorized("write")
    async def delete(self, job_id: str) -> None:
        self.reply(200, await self.call(job_operations.delete_job, job_id, self.pipeline()))


class JobRunHandler(JobsBaseHandler):
    @tornado.web.authenticated
    @authorized("execute")
    async def post(self, job_id: str) -> None:
        self.reply(202, await self.call(job_operations.run_job, job_id, self.pipeline()))


class JobCancelHandler(JobsBaseHandler):
    @tornado.web.authenticated
    @authorized("write")
    async def post(self, job_id: str) -> None:
        self.reply(202, await self.call(job_operations.cancel_job, job_id, self.pipeline()))


class ScheduleHandler(JobsBaseHandler):
    """`GET schedule?cron=&timezone=&count=`: the next due times, for the New Job form."""

    @tornado.web.authenticated
    @authorized("read")
    async def get(self) -> None:
        args = [self.get_query_argument(name, None, strip=False) for name in QUERY]
        self.reply(200, await self.call(job_operations.schedule_preview, *args))


QUERY = ("cron", "timezone", "count")

JOB_ROUTES: list[tuple[str, type[BaseHandler]]] = [
    ("/jobs", JobsHandler),
    (f"/jobs/{JOB_ID_GROUP}", JobHandler),
    (f"/jobs/{JOB_ID_GROUP}/run", JobRunHandler),
    (f"/jobs/{JOB_ID_GROUP}/cancel", JobCancelHandler),
    ("/schedule", ScheduleHandler),
]
