import { Injectable } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { GenerationRunEntity } from './entities/generation-run.entity.js';

export interface RunProblem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** What one start-up generation loaded and wrote; a plain object, so entities stay in this folder. */
export interface GenerationRun {
  readonly id: string;
  readonly startedAt: Date;
  readonly specFiles: number;
  readonly services: number;
  readonly slos: number;
  readonly rules: number;
  readonly diagnostics: readonly RunProblem[];
  readonly ok: boolean;
  readonly changedFiles: readonly string[];
}

export type NewGenerationRun = Omit<GenerationRun, 'id'>;

@Injectable()
export class GenerationRunRepository {
  private readonly repo: Repository<GenerationRunEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(GenerationRunEntity);
  }

  async record(run: NewGenerationRun): Promise<GenerationRun> {
    const saved = await this.repo.save(
      this.repo.create({ ...run, diagnostics: [...run.diagnostics], changedFiles: [...run.changedFiles] }),
    );
    return toDomain(saved);
  }

  async latest(limit: number): Promise<GenerationRun[]> {
    const rows = await this.repo.find({ order: { startedAt: 'DESC' }, take: limit });
    return rows.map(toDomain);
  }
}

function toDomain(e: GenerationRunEntity): GenerationRun {
  return {
    id: e.id,
    startedAt: e.startedAt,
    specFiles: e.specFiles,
    services: e.services,
    slos: e.slos,
    rules: e.rules,
    diagnostics: e.diagnostics.map((d) => ({ file: d.file, line: d.line, col: d.col, message: d.message })),
    ok: e.ok,
    changedFiles: [...e.changedFiles],
  };
}
