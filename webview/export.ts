// Export of the drawn picture: SVG text as drawn, or a PNG painted from it at twice the size.

/** The SVG at its natural size, with a background so it reads the same outside the editor. */
export function exportSvg(svg: SVGSVGElement, natural: { width: number; height: number }, background: string): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(Math.ceil(natural.width)));
  copy.setAttribute('height', String(Math.ceil(natural.height)));
  copy.style.width = '';
  copy.style.height = '';
  copy.style.backgroundColor = background;
  for (const g of copy.querySelectorAll('.selected')) g.classList.remove('selected');
  return new XMLSerializer().serializeToString(copy);
}

export async function exportPng(svg: SVGSVGElement, natural: { width: number; height: number }, background: string, factor = 2): Promise<string> {
  const text = exportSvg(svg, natural, background);
  const image = new Image();
  image.decoding = 'sync';
  const loaded = new Promise<void>((resolve, reject) => {
    image.onload = () => resolve();
    image.onerror = () => reject(new Error('the SVG could not be loaded as an image'));
  });
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await loaded;
  const canvas = document.createElement('canvas');
  // Browsers cap canvas size; very large pictures are painted at a smaller factor.
  const limit = 16000;
  const f = Math.min(factor, limit / Math.max(natural.width, natural.height, 1));
  canvas.width = Math.ceil(natural.width * f);
  canvas.height = Math.ceil(natural.height * f);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/png');
}
