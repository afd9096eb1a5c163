import type uPlot from 'uplot';

/** A dashed horizontal line across the plot at `value`: the budget's zero, a drill's objective. */
export function horizontalLine(value: number, colour: string): (u: uPlot) => void {
  return (u) => {
    const y = u.valToPos(value, 'y', true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = colour;
    ctx.setLineDash([6, 4]);
    ctx.beginPath();
    ctx.moveTo(u.bbox.left, y);
    ctx.lineTo(u.bbox.left + u.bbox.width, y);
    ctx.stroke();
    ctx.restore();
  };
}
